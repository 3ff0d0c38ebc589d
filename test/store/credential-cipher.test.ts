import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialCipher, loadOrCreateKey, parseEncryptionKey } from '../../src/store/credential-cipher.js';
import { tempDbFile } from '../support/parley.js';

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(randomBytes(32));
  const AT = { table: 'orders', column: 'credentials', id: 7 };

  it('round-trips Unicode text and never stores the plaintext or the same ciphertext twice', () => {
    const secret = 'login: hunter2 / pass: 😀 ünïcode';
    const a = cipher.encrypt(secret, AT);
    const b = cipher.encrypt(secret, AT);
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(a.startsWith('v2:')).toBe(true);
    expect(cipher.decrypt(a, AT)).toBe(secret);
  });

  it('refuses a tampered value and a value sealed under another key', () => {
    const sealed = cipher.encrypt('secret', AT);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => cipher.decrypt(`v2:${raw.toString('base64')}`, AT)).toThrow();
    expect(() => new CredentialCipher(randomBytes(32)).decrypt(sealed, AT)).toThrow();
  });

  it('opens a value only where it was sealed: another row, column or table fails', () => {
    const sealed = cipher.encrypt('secret', AT);
    expect(() => cipher.decrypt(sealed, { ...AT, id: 8 })).toThrow();
    expect(() => cipher.decrypt(sealed, { ...AT, column: 'details' })).toThrow();
    expect(() => cipher.decrypt(sealed, { table: 'webhook_endpoints', column: 'secret', id: 7 })).toThrow();
    // Relabelled as the unbound format, it fails too (the tag covers the associated data).
    expect(() => cipher.decrypt(`v1:${sealed.slice(3)}`, AT)).toThrow();
  });

  it('still opens the unbound v1 values that earlier versions wrote, wherever they are', () => {
    const legacy = cipher.encryptLegacy('old secret');
    expect(legacy.startsWith('v1:')).toBe(true);
    expect(CredentialCipher.isLegacy(legacy)).toBe(true);
    expect(cipher.decrypt(legacy, AT)).toBe('old secret');
  });
});

describe('encryption keys', () => {
  it('parses hex and base64 keys of 32 bytes only', () => {
    const key = randomBytes(32);
    expect(parseEncryptionKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseEncryptionKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseEncryptionKey('short')).toThrow(/32 bytes/);
  });

  it('generates a key file beside the database once, owner-readable only, and reuses it', () => {
    const db = tempDbFile();
    const first = loadOrCreateKey(null, db);
    expect(first.generated).toBe(`${db}.key`);
    expect(fs.statSync(`${db}.key`).mode & 0o777).toBe(0o600);
    const second = loadOrCreateKey(null, db);
    expect(second.generated).toBeNull();
    expect(second.key.equals(first.key)).toBe(true);
  });
});
