import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

describe('POST /v2/stream-tokens: 401, 403, 404, 422', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley();
  });
  afterAll(async () => parley?.close());

  it('401 without a valid key', async () => {
    for (const token of [null, 'pk_nope']) {
      const res = await parley.api.withToken(token).post('/v2/stream-tokens', {});
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ message: 'Unauthenticated.' });
    }
  });

  it("404 for an order that does not exist, 403 for someone else's", async () => {
    const mine = await parley.fixtures.scenario('pending');
    const theirs = await parley.fixtures.scenario('pending');
    const missing = await parley.api.withToken(mine.seller.token).post('/v2/stream-tokens', { order_kind: 'item', order_id: mine.order.id });
    expect(missing.status, JSON.stringify(missing.body)).toBe(404);
    const forbidden = await parley.api.withToken(mine.buyer.token).post('/v2/stream-tokens', { order_kind: 'account', order_id: theirs.order.id });
    expect(forbidden.status, JSON.stringify(forbidden.body)).toBe(403);
  });

  it('422 for half an order, an unknown kind or a bad id, in the Laravel shape', async () => {
    const seller = await parley.fixtures.user('seller');
    const cases: [Record<string, unknown>, string][] = [
      [{ order_kind: 'account' }, 'order_id'],
      [{ order_id: 5 }, 'order_kind'],
      [{ order_kind: 'gift', order_id: 5 }, 'order_kind'],
      [{ order_kind: 'account', order_id: 'x' }, 'order_id'],
      [{ order_kind: 'account', order_id: 0 }, 'order_id'],
    ];
    for (const [body, field] of cases) {
      const res = await parley.api.withToken(seller.token).post('/v2/stream-tokens', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.message).toBe('The given data was invalid.');
      expect(Object.keys(res.body.errors), JSON.stringify(body)).toEqual([field]);
    }
  });
});
