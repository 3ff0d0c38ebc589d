import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PREFIX = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for secrets at rest (order credentials). Each value gets a fresh 96-bit nonce;
 * the stored form is `v1:` + base64(nonce | tag | ciphertext), so a future key rotation can
 * tell versions apart. Tampering fails authentication instead of yielding garbage.
 */
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the credentials key must be 32 bytes');
    this.key = key;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) throw new Error('unknown credentials format');
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

/** Accepts 32 bytes as 64 hex characters or as base64. */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('PARLEY_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/**
 * The configured key, or the one kept beside the database file (created on first start,
 * readable by the owner only). `generated` tells the caller to warn loudly: losing that file
 * makes every stored credential unreadable.
 */
export function loadOrCreateKey(configured: string | null, databaseFile: string): { key: Buffer; generated: string | null } {
  if (configured !== null) return { key: parseEncryptionKey(configured), generated: null };
  const keyFile = databaseFile === ':memory:' ? null : `${databaseFile}.key`;
  if (keyFile && fs.existsSync(keyFile)) return { key: parseEncryptionKey(fs.readFileSync(keyFile, 'utf8')), generated: null };
  const key = randomBytes(32);
  if (keyFile) {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    fs.writeFileSync(keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return { key, generated: keyFile ?? 'memory' };
}
