import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createEndpoint, withoutCredentials } from '../../webhooks/helpers.js';
import { expectSignedDelivery, Receiver, waitFor } from '../../webhooks/receiver.js';

/** POST /v2/webhook-events: a sample event, built from the caller's newest records, at the caller's endpoints. */
let parley: TestParley;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
  parley = await startTestParley();
});
afterAll(async () => {
  await receiver.close();
  await parley.close();
});

describe('POST /v2/webhook-events -> 202', () => {
  it("delivers each topic's sample, shaped as the real event, to the caller's endpoint for it only", async () => {
    const seller = await parley.fixtures.user('seller');
    const order = await parley.fixtures.order(seller, await parley.fixtures.user('buyer'));
    const sent = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'latest' }, { token: seller.token });
    expect(sent.status).toBe(200);
    const path = receiver.newPath();
    const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), ['account.order.purchased', 'order.message.created', 'order.status.updated']);
    const other = await parley.fixtures.user('seller');
    const otherPath = receiver.newPath();
    await createEndpoint(parley, other.id, receiver.url(otherPath));

    const current = (await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token })).body.data;
    const expected: Record<string, unknown> = {
      'account.order.purchased': withoutCredentials(current),
      'order.status.updated': { order_kind: 'account', order: withoutCredentials(current) },
      'order.message.created': { order_kind: 'account', order_id: order.id, message: sent.body.data },
    };
    for (const [topic, payload] of Object.entries(expected)) {
      const res = await parley.api.post('/v2/webhook-events', { topic }, { token: seller.token });
      expect(res.status, res.text).toBe(202);
      expect(res.body.data).toEqual({ topic, event_id: expect.stringMatching(/^evt_/), endpoints: 1 });
      const delivery = await waitFor(() => receiver.on(path).find((r) => r.headers['x-gameboost-event-id'] === res.body.data.event_id), 5000, `${topic} delivery`);
      expect(expectSignedDelivery(delivery, [endpoint.secret], { topic }).payload).toEqual(payload);
    }
    // Nothing changed: the thread has no new message, the order the same status; no one else got anything.
    expect((await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token })).body.data.at(-1).text).toBe('latest');
    expect((await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token })).body.data).toEqual(current);
    expect(receiver.on(otherPath)).toEqual([]);
  });

  it('answers event_id null and 0 endpoints when no endpoint of the caller takes the topic', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    await parley.fixtures.order(seller, buyer);
    const res = await parley.api.post('/v2/webhook-events', { topic: 'order.status.updated' }, { token: seller.token });
    expect(res.status, res.text).toBe(202);
    expect(res.body.data).toEqual({ topic: 'order.status.updated', event_id: null, endpoints: 0 });
  });
});
