import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { openStream, orderStreamPath } from '../../live/stream-support.js';

describe('GET /v2/{kind}-orders/{id}/messages/stream: 403, 404, 422', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley();
  });
  afterAll(async () => parley?.close());

  async function expectStatus(path: string, token: string | null, status: number, headers: Record<string, string> = {}): Promise<any> {
    const res = await openStream(parley, path, token, headers);
    expect(res.status, res.body).toBe(status);
    return JSON.parse(res.body);
  }

  it("403 for another seller's or buyer's order, and for a token minted for another order", async () => {
    const mine = await parley.fixtures.scenario('pending');
    const theirs = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', theirs.order.id);
    for (const token of [mine.seller.token, mine.buyer.token]) {
      expect(await expectStatus(path, token, 403)).toMatchObject({ message: 'This action is unauthorized.' });
    }
    const minted = await parley.api.withToken(mine.buyer.token).post('/v2/stream-tokens', { order_kind: 'account', order_id: mine.order.id });
    const other = await parley.fixtures.order(mine.seller, mine.buyer, { status: 'pending' });
    const token = encodeURIComponent(minted.body.data.token);
    await expectStatus(`${orderStreamPath('/v2/account-orders', other.id)}?stream_token=${token}`, null, 403);
    await expectStatus(`/v2/events/stream?stream_token=${token}`, null, 403);
    // Also not that order as another kind.
    await expectStatus(`${orderStreamPath('/v2/item-orders', mine.order.id)}?stream_token=${token}`, null, 403);
  });

  it('404 for an order that does not exist, an id of another kind, or a malformed id', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    for (const path of [orderStreamPath('/v2/account-orders', 999_999), orderStreamPath('/v2/item-orders', order.id), '/v2/account-orders/abc/messages/stream']) {
      expect(await expectStatus(path, seller.token, 404)).toMatchObject({ message: 'Resource not found.' });
    }
  });

  it('422 for a Last-Event-ID that is not an event number, header or query', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    const header = await expectStatus(path, seller.token, 422, { 'last-event-id': '01HZZZ' });
    expect(header).toMatchObject({ message: 'The given data was invalid.', errors: { last_event_id: ['The last event id field must be an integer.'] } });
    const query = await expectStatus(`${path}?last_event_id=-1`, seller.token, 422);
    expect(Object.keys(query.errors)).toEqual(['last_event_id']);
  });
});

describe('HEAD on a stream route', () => {
  it('is not served (404): it would hold a stream open with nothing to read', async () => {
    const parley = await startTestParley();
    try {
      const { seller, order } = await parley.fixtures.scenario('pending');
      for (const path of [orderStreamPath('/v2/account-orders', order.id), '/v2/events/stream']) {
        const res = await fetch(`${parley.url}${path}`, { method: 'HEAD', headers: { authorization: `Bearer ${seller.token}` } });
        expect(res.status, path).toBe(404);
      }
    } finally {
      await parley.close();
    }
  });
});
