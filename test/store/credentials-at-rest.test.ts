import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { kindCase } from '../support/order-kinds.js';
import { startTestParley, tempDbFile, type TestParley } from '../support/parley.js';

/**
 * Credentials are sealed before they reach SQLite: neither the database file nor its WAL ever
 * holds them in plaintext, yet the API serves them back, across restarts with the same key.
 */

const KEY = '3f'.repeat(8) + 'a1b2c3d4e5f60718'.repeat(3); // 64 hex characters, fixed for both starts
const ACCOUNT_MARKER = 'S3cr3t-PLAINTEXT-marker';
const CURRENCY_MARKER = 'Another-PLAINTEXT-marker';
const ROTATED_MARKER = 'Rotated-PLAINTEXT-marker';
const MARKERS = [ACCOUNT_MARKER, CURRENCY_MARKER, ROTATED_MARKER];
const ACCOUNT_CREDENTIALS = `login: alice / pass: ${ACCOUNT_MARKER}`;
const ROTATED_CREDENTIALS = `login: alice / pass: ${ROTATED_MARKER}`;
const CURRENCY_CREDENTIALS = { login: 'bob', password: CURRENCY_MARKER };

const started: TestParley[] = [];
async function start(env: Record<string, string>): Promise<TestParley> {
  const parley = await startTestParley(env);
  started.push(parley);
  return parley;
}
async function stop(parley: TestParley): Promise<void> {
  started.splice(started.indexOf(parley), 1);
  await parley.close();
}
afterEach(async () => {
  for (const parley of started.splice(0)) await parley.close();
});

/** The raw bytes of the database file and of its write-ahead log, when there is one. */
function rawFiles(dbFile: string): Array<[string, Buffer]> {
  const files: Array<[string, Buffer]> = [[dbFile, fs.readFileSync(dbFile)]];
  for (const extra of [`${dbFile}-wal`, `${dbFile}-journal`]) {
    if (fs.existsSync(extra)) files.push([extra, fs.readFileSync(extra)]);
  }
  return files;
}

/** No marker anywhere in the bytes, in UTF-8 or UTF-16 (SQLite's other text encodings). */
function expectNoPlaintextOnDisk(dbFile: string): void {
  const files = rawFiles(dbFile);
  expect(files[0]![1].length, dbFile).toBeGreaterThan(0);
  for (const [file, bytes] of files) {
    for (const marker of MARKERS) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        expect(bytes.indexOf(Buffer.from(marker, encoding)), `${marker} (${encoding}) in ${file}`).toBe(-1);
      }
      expect(bytes.indexOf(Buffer.from(marker, 'utf16le').swap16()), `${marker} (utf16be) in ${file}`).toBe(-1);
    }
  }
}

function credentialColumns(parley: TestParley, ids: number[]): Array<string | null> {
  return parley.readDb((db) =>
    ids.map((id) => (db.prepare('select credentials from orders where id = ?').get(id) as { credentials: string | null }).credentials),
  );
}

/** A seller, a buyer, an account order and a currency order with credentials; then new account credentials. */
async function arrange(parley: TestParley) {
  const seller = await parley.fixtures.user('seller');
  const buyer = await parley.fixtures.user('buyer');
  const account = await parley.fixtures.order(seller, buyer, { credentials: ACCOUNT_CREDENTIALS });
  expect(account.credentials).toBe(ACCOUNT_CREDENTIALS);
  const currency = await parley.fixtures.order(seller, buyer, { credentials: CURRENCY_CREDENTIALS }, kindCase('currency'));
  expect(currency.credentials).toEqual(CURRENCY_CREDENTIALS);
  return { seller, buyer, account, currency };
}

async function expectServedPlaintext(parley: TestParley, token: string, ids: { account: number; currency: number }, accountCredentials: string) {
  const account = await parley.api.get(`/v2/account-orders/${ids.account}`, { token });
  expect(account.status, account.text).toBe(200);
  expect(account.body.data.credentials).toBe(accountCredentials);
  const currency = await parley.api.get(`/v2/currency-orders/${ids.currency}`, { token });
  expect(currency.status, currency.text).toBe(200);
  expect(currency.body.data.credentials).toEqual(CURRENCY_CREDENTIALS);
}

describe('credentials at rest', () => {
  it('never writes the plaintext to the database file or its WAL, yet serves it back', async () => {
    const dbFile = tempDbFile();
    const parley = await start({ DATABASE_URL: dbFile, PARLEY_ENCRYPTION_KEY: KEY });
    const { seller, buyer, account, currency } = await arrange(parley);
    const patched = await parley.api.patch(`/v2/account-orders/${account.id}/credentials`, { credentials: ROTATED_CREDENTIALS }, { token: seller.token });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.data.credentials).toBe(ROTATED_CREDENTIALS);

    // While the server runs, recent commits sit in the WAL; both files are checked.
    expect(fs.existsSync(`${dbFile}-wal`)).toBe(true);
    expectNoPlaintextOnDisk(dbFile);

    // The column holds the sealed form only.
    const columns = credentialColumns(parley, [account.id, currency.id]);
    for (const column of columns) {
      expect(column).toMatch(/^v2:[A-Za-z0-9+/]+=*$/);
      for (const marker of MARKERS) expect(column).not.toContain(marker);
      const decoded = Buffer.from(column!.slice(3), 'base64');
      for (const marker of MARKERS) expect(decoded.indexOf(Buffer.from(marker))).toBe(-1);
    }
    // The notice in the thread does not carry the credentials either.
    const texts = parley.readDb((db) => db.prepare('select text from messages').all() as Array<{ text: string }>);
    for (const { text } of texts) for (const marker of MARKERS) expect(text).not.toContain(marker);

    // Both parties read the plaintext through the API.
    for (const token of [seller.token, buyer.token]) {
      await expectServedPlaintext(parley, token, { account: account.id, currency: currency.id }, ROTATED_CREDENTIALS);
    }

    // After a clean shutdown (WAL checkpointed into the main file) still nothing in plaintext.
    await stop(parley);
    expectNoPlaintextOnDisk(dbFile);
  });

  it('seals the same plaintext differently each time (a fresh nonce per value)', async () => {
    const parley = await start({ PARLEY_ENCRYPTION_KEY: KEY });
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const a = await parley.fixtures.order(seller, buyer, { credentials: ACCOUNT_CREDENTIALS });
    const b = await parley.fixtures.order(seller, buyer, { credentials: ACCOUNT_CREDENTIALS });
    const [ca, cb] = credentialColumns(parley, [a.id, b.id]);
    expect(ca).toMatch(/^v2:/);
    expect(cb).toMatch(/^v2:/);
    expect(ca).not.toBe(cb);
    // Replacing with the very same text stores a new sealed value too.
    const again = await parley.api.patch(`/v2/account-orders/${a.id}/credentials`, { credentials: ACCOUNT_CREDENTIALS }, { token: seller.token });
    expect(again.status, again.text).toBe(200);
    const [ca2] = credentialColumns(parley, [a.id]);
    expect(ca2).toMatch(/^v2:/);
    expect(ca2).not.toBe(ca);
  });

  it('reads the credentials back after a restart on the same file with the same key', async () => {
    const dbFile = tempDbFile();
    const first = await start({ DATABASE_URL: dbFile, PARLEY_ENCRYPTION_KEY: KEY });
    const { seller, account, currency } = await arrange(first);
    const patched = await first.api.patch(`/v2/account-orders/${account.id}/credentials`, { credentials: ROTATED_CREDENTIALS }, { token: seller.token });
    expect(patched.status, patched.text).toBe(200);
    const sealed = credentialColumns(first, [account.id, currency.id]);
    await stop(first);

    const second = await start({ DATABASE_URL: dbFile, PARLEY_ENCRYPTION_KEY: KEY });
    // The seller's key lives in the database: it still works after the restart.
    await expectServedPlaintext(second, seller.token, { account: account.id, currency: currency.id }, ROTATED_CREDENTIALS);
    // Reading does not rewrite the sealed values.
    expect(credentialColumns(second, [account.id, currency.id])).toEqual(sealed);
    // A configured key means no key file beside the database.
    expect(fs.existsSync(`${dbFile}.key`)).toBe(false);
    expectNoPlaintextOnDisk(dbFile);
  });

  it('generates a key file readable by the owner only when no key is configured, and reuses it on restart', async () => {
    const dbFile = tempDbFile();
    const keyFile = `${dbFile}.key`;
    expect(fs.existsSync(keyFile)).toBe(false);
    const first = await start({ DATABASE_URL: dbFile });
    expect(fs.existsSync(keyFile)).toBe(true);
    const stat = fs.statSync(keyFile);
    expect(stat.isFile()).toBe(true);
    expect((stat.mode & 0o777).toString(8)).toBe('600');
    const keyText = fs.readFileSync(keyFile, 'utf8');
    expect(keyText.trim()).toMatch(/^[0-9a-f]{64}$/i);

    const { seller, account, currency } = await arrange(first);
    expectNoPlaintextOnDisk(dbFile);
    // The key is kept beside the database, not in it.
    for (const [file, bytes] of rawFiles(dbFile)) expect(bytes.indexOf(Buffer.from(keyText.trim())), file).toBe(-1);
    await stop(first);

    const second = await start({ DATABASE_URL: dbFile });
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(keyText);
    expect((fs.statSync(keyFile).mode & 0o777).toString(8)).toBe('600');
    await expectServedPlaintext(second, seller.token, { account: account.id, currency: currency.id }, ACCOUNT_CREDENTIALS);
  });
});
