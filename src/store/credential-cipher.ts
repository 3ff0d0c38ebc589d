import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Bound to its row and column (associated data): every value written since 0006_sealed_row_binding. */
const BOUND = 'v2:';
/** Unbound (no associated data): what earlier versions wrote; opened, never written. */
const LEGACY = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where a sealed value lives: its table, its column and its row's id. */
export interface SealedAt {
  table: string;
  column: string;
  id: number;
}

/** Every column Parley seals, for the start-up re-seal (sealed-values.ts) and its tests. */
export const SEALED_COLUMNS = [
  { table: 'orders', column: 'credentials' },
  { table: 'webhook_endpoints', column: 'secret' },
  { table: 'webhook_endpoints', column: 'previous_secret' },
] as const;

function associatedData(at: SealedAt): Buffer {
  return Buffer.from(`parley:${at.table}.${at.column}:${at.id}`, 'utf8');
}

/**
 * AES-256-GCM for secrets at rest (order credentials, webhook secrets). Each value gets a fresh
 * 96-bit nonce and is bound to where it is stored: the table, column and row id are its
 * associated data, so a value copied into another row or column (by anyone with write access to
 * the database but not the key) fails authentication instead of handing one order's secret to
 * another. The stored form is `v2:` + base64(nonce | tag | ciphertext). `v1:` values (no
 * associated data) are still opened, so that nothing becomes unreadable; start-up re-seals them
 * (sealed-values.ts). Tampering fails authentication instead of yielding garbage.
 */
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the credentials key must be 32 bytes');
    this.key = key;
  }

  encrypt(plaintext: string, at: SealedAt): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(associatedData(at));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return BOUND + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(stored: string, at: SealedAt): string {
    const bound = stored.startsWith(BOUND);
    if (!bound && !stored.startsWith(LEGACY)) throw new Error('unknown credentials format');
    const raw = Buffer.from(stored.slice(BOUND.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    if (bound) decipher.setAAD(associatedData(at));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** Whether a stored value is in the unbound format that start-up re-seals. */
  static isLegacy(stored: string): boolean {
    return stored.startsWith(LEGACY);
  }

  /** An unbound `v1:` value, as versions before row binding wrote it (tests of the re-seal only). */
  encryptLegacy(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return LEGACY + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
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
    // The mode given at creation passes through the umask; say it once more, exactly.
    fs.chmodSync(keyFile, 0o600);
  }
  return { key, generated: keyFile ?? 'memory' };
}
