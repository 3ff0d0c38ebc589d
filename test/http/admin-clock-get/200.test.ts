import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ManualClock } from '../../support/manual-clock.js';

const START_MS = 1_800_000_000_123;
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock: new ManualClock(START_MS) });
});
afterAll(() => parley.close());

describe('GET /admin/v1/clock -> 200', () => {
  it('reads the application clock: the base clock while no offset is set, no job pending', async () => {
    const res = await parley.admin.get('/admin/v1/clock');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ data: { now: Math.floor(START_MS / 1000), now_ms: START_MS, offset_ms: 0, next_due_at: null } });
  });

  it('answers 401 without a key and 403 with a seller key', async () => {
    expect((await parley.api.get('/admin/v1/clock')).status).toBe(401);
    const seller = await parley.fixtures.user('seller');
    const res = await parley.api.get('/admin/v1/clock', { token: seller.token });
    expect(res.status, res.text).toBe(403);
  });
});
