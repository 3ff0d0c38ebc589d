import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ORDERS } from '../support/order-kinds.js';
import { startTestParley, tempDbFile, type TestParley } from '../support/parley.js';

/**
 * The SQLite database holds every order and key hash, and the key file beside it opens the
 * sealed credentials: created readable by their owner only (0600), as are the WAL and shared
 * memory files SQLite creates beside the database (they hold recent pages of it).
 */
const mode = (file: string) => fs.statSync(file).mode & 0o777;

let parley: TestParley;
let file: string;
beforeAll(async () => {
  file = tempDbFile();
  // No PARLEY_ENCRYPTION_KEY: the key file is generated beside the database.
  parley = await startTestParley({ DATABASE_URL: file, PARLEY_ENCRYPTION_KEY: '' });
});
afterAll(async () => {
  await parley?.close();
  fs.rmSync(file.replace(/\/[^/]+$/, ''), { recursive: true, force: true });
});

describe('SQLite files', () => {
  it('are created with mode 0600: the database, its -wal and -shm, the key file and the start-up lock', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const sent = await parley.api.post(`${ACCOUNT_ORDERS.path}/${order.id}/messages`, { message: 'on disk' }, { token: seller.token });
    expect(sent.status).toBe(200);
    for (const suffix of ['', '-wal', '-shm', '.key', '.startup-lock']) {
      expect(fs.existsSync(`${file}${suffix}`), `${file}${suffix} exists`).toBe(true);
      expect(mode(`${file}${suffix}`).toString(8), `mode of ${suffix || 'the database'}`).toBe('600');
    }
  });
});
