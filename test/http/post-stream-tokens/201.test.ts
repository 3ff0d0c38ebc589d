import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

describe('POST /v2/stream-tokens -> 201', () => {
  const START = Date.UTC(2026, 2, 1, 9, 30);
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_STREAM_TOKEN_SECONDS: '90' }, { clock: new ManualClock(START) });
  });
  afterAll(async () => parley?.close());

  it('mints a token for every stream of the user, expiring after PARLEY_STREAM_TOKEN_SECONDS on the application clock', async () => {
    const seller = await parley.fixtures.user('seller');
    for (const body of [{}, undefined]) {
      const res = await parley.api.withToken(seller.token).post('/v2/stream-tokens', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(Object.keys(res.body.data)).toEqual(['token', 'expires_at']);
      expect(res.body.data.token).toMatch(/^st_[\w-]+\.[\w-]+$/);
      expect(res.body.data.expires_at).toBe(new Date(START + 90_000).toISOString());
      // Never the API key itself.
      expect(res.body.data.token).not.toContain(seller.token);
    }
  });

  it('mints a token for one order to its seller, its buyer and the admin token', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    for (const token of [seller.token, buyer.token, parley.adminToken]) {
      const res = await parley.api.withToken(token).post('/v2/stream-tokens', { order_kind: 'account', order_id: order.id });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });
});
