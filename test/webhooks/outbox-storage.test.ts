import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { create, endpointPath } from '../http/admin-webhook-endpoints/helpers.js';

/**
 * The outbox stores an event only when an endpoint takes it: a seller without webhooks costs no
 * outbox row per chat message. (A test event names its endpoint and is always stored.)
 */
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const eventsOf = (userId: number) =>
  parley.readDb((db) => db.prepare('select topic, payload from webhook_events where user_id = ? order by id').all(userId) as { topic: string; payload: string }[]);

describe('the webhook outbox', () => {
  it('stores a message event only while one of the seller\'s live endpoints takes its topic', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const send = async (text: string) => {
      const res = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: text }, { token: seller.token });
      expect(res.status, res.text).toBe(200);
    };
    await send('no endpoint');
    const other = await create(parley, seller.id, { url: 'http://127.0.0.1:1/status-only', events: ['order.status.updated'] });
    await send('an endpoint of another topic');
    expect(eventsOf(seller.id)).toEqual([]);

    const taker = await create(parley, seller.id, { url: 'http://127.0.0.1:1/messages', events: ['order.message.created'] });
    await send('taken');
    expect((await parley.admin.patch(endpointPath(taker.id), { disabled: true })).status).toBe(200);
    await send('its endpoint disabled');
    const stored = eventsOf(seller.id);
    expect(stored.map((e) => JSON.parse(e.payload).payload.message.text)).toEqual(['taken']);
    expect(stored.map((e) => e.topic)).toEqual(['order.message.created']);

    // The status endpoint takes a status move (and not the system message that comes with it).
    expect((await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'delivered' })).status).toBe(200);
    expect(eventsOf(seller.id).map((e) => e.topic)).toEqual(['order.message.created', 'order.status.updated']);
    expect(other.id).toBeGreaterThan(0);
  });
});
