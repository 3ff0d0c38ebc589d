import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderScenario } from '../support/fixtures.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { tempDbFile } from '../support/test-db.js';

/**
 * Another process holding SQLite's write lock past the 5 s busy timeout (several processes on
 * one file, docs/deploy.md): the waiting write answers 503 with a Retry-After, not 500, and
 * writes succeed again once the lock is released.
 */

let parley: TestParley;
let scenario: OrderScenario;
beforeAll(async () => {
  parley = await startTestParley({ DATABASE_URL: tempDbFile() });
  scenario = await parley.fixtures.scenario('pending');
});
afterAll(() => parley.close());

describe('SQLite write lock held by another connection', () => {
  it('answers 503 with Retry-After to a write that waited out the busy timeout, then serves writes again', async () => {
    const path = `/v2/account-orders/${scenario.order.id}/messages`;
    const other = new BetterSqlite3(parley.dbFile);
    try {
      other.exec('BEGIN IMMEDIATE');
      const res = await parley.api.post(path, { message: 'while locked' }, { token: scenario.seller.token });
      expect({ status: res.status, body: res.body }).toEqual({
        status: 503,
        body: { message: 'Service Unavailable.', request_id: res.headers.get('x-gameboost-request-id') },
      });
      expect(res.headers.get('retry-after')).toBe('5');
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    const after = await parley.api.post(path, { message: 'after the lock' }, { token: scenario.seller.token });
    expect(after.status, after.text).toBe(200);
    const texts = parley.readDb((db) => db.prepare('select text from messages where order_id = ? order by id').all(scenario.order.id));
    expect(texts).toEqual([{ text: 'after the lock' }]);
  }, 30_000);
});
