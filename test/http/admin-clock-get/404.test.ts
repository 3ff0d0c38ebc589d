import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_ENV: 'production' });
});
afterAll(() => parley.close());

describe('the test clock in production -> 404', () => {
  it('answers every clock route as an unknown route, and the clock stays the wall clock', async () => {
    const unknown = await parley.admin.get('/admin/v1/no-such-route');
    expect(unknown.status).toBe(404);
    for (const res of [
      await parley.admin.get('/admin/v1/clock'),
      await parley.admin.post('/admin/v1/clock/advance', { seconds: 86_400 }),
      await parley.admin.post('/admin/v1/clock/reset', {}),
    ]) {
      expect(res.status, res.text).toBe(404);
      expect(res.body).toEqual({ ...unknown.body, request_id: expect.any(String) });
    }
    const before = Math.floor(Date.now() / 1000);
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const order = await parley.fixtures.order(seller, buyer);
    expect(order.created_at).toBeGreaterThanOrEqual(before);
    expect(order.created_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});
