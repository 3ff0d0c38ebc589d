import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, tempDbFile, type TestParley } from '../support/parley.js';
import { createTestPgDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from '../store/postgres-test-support.js';
import { waitFor } from '../webhooks/receiver.js';

/**
 * Two instances of one deployment (two servers on one database) share the test clock: an advance
 * on one is seen by the other (PostgreSQL: at once through NOTIFY; SQLite files have no feed
 * between processes: within the once-a-second re-read), and a step scheduled through one runs
 * once, whichever instance's scheduler or advance gets to it.
 */
const pgSkip = await skipWithoutPostgres('the shared test clock on PostgreSQL');

describe.each([
  { dialect: 'sqlite' as const, skip: false },
  { dialect: 'postgres' as const, skip: pgSkip },
])('the test clock shared by two instances on $dialect', ({ dialect, skip }) => {
  let a: TestParley;
  let b: TestParley;
  let drop = async () => {};

  beforeAll(async () => {
    if (skip) return;
    const env: Record<string, string> = { PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex') };
    if (dialect === 'postgres') {
      const database = await createTestPgDatabase();
      env.DATABASE_URL = database.url;
      drop = database.drop;
    } else {
      env.DATABASE_URL = tempDbFile();
    }
    a = await startTestParley(env);
    b = await startTestParley(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop();
  });

  it.skipIf(skip)('moves for both, and a step set through one instance runs once', async () => {
    const seller = await b.fixtures.user('seller');
    const buyer = await b.fixtures.user('buyer');
    const order = await b.fixtures.order(seller, buyer, { status: 'pending' });
    const put = await b.admin.request('PUT', `/admin/v1/account-orders/${order.id}/buyer-script`, {
      json: { script: [{ on: 'silence', after: 7200, reply: 'Anyone there?' }] },
    });
    expect(put.status, put.text).toBe(200);

    const advanced = await a.admin.post('/admin/v1/clock/advance', { seconds: 7200 });
    expect(advanced.status, advanced.text).toBe(200);
    expect(advanced.body.data.jobs_run).toBe(1);
    const offset = advanced.body.data.offset_ms;
    await waitFor(async () => (await b.admin.get('/admin/v1/clock')).body.data.offset_ms === offset, 5000, 'B sees the new offset');

    const thread = await b.api.get(`/v2/account-orders/${order.id}/messages`, { token: buyer.token });
    expect(thread.body.data.filter((m: { text: string }) => m.text === 'Anyone there?')).toHaveLength(1);
    const steps = (await b.admin.get(`/admin/v1/account-orders/${order.id}/buyer-script`)).body.data.steps;
    expect(steps[0]).toMatchObject({ status: 'done' });

    // A reset on B reaches A too.
    expect((await b.admin.post('/admin/v1/clock/reset')).status).toBe(200);
    await waitFor(async () => (await a.admin.get('/admin/v1/clock')).body.data.offset_ms === 0, 5000, 'A sees the reset');
  });
});
