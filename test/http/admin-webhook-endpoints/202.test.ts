import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { create, endpointPath } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const EVENT_ID = /^evt_[0-9A-Z]{26}$/;

function eventRow(id: string) {
  return parley.readDb((db) => db.prepare('select id, topic, user_id from webhook_events where id = ?').get(id));
}

describe('POST /admin/v1/webhook-endpoints/{endpoint}/test -> 202', () => {
  it('answers {data: {event_id}} and stores a webhook.test event for the seller', async () => {
    const seller = await parley.fixtures.user('seller');
    const { id } = await create(parley, seller.id, { url: 'http://127.0.0.1:1/unreachable' });
    const res = await parley.admin.post(`${endpointPath(id)}/test`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ data: { event_id: expect.stringMatching(EVENT_ID) } });
    expect(eventRow(res.body.data.event_id)).toEqual({ id: res.body.data.event_id, topic: 'webhook.test', user_id: seller.id });

    const again = await parley.admin.post(`${endpointPath(id)}/test`, {});
    expect(again.status, again.text).toBe(202);
    expect(again.body.data.event_id).not.toBe(res.body.data.event_id);
  });
});

describe('POST /admin/v1/webhook-events/{event}/replay -> 202', () => {
  it('queues the event again for every endpoint of its seller that takes the topic now', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const a = await create(parley, seller.id, { url: 'http://127.0.0.1:1/a', events: ['order.message.created'] });
    await create(parley, seller.id, { url: 'http://127.0.0.1:1/b', events: ['order.message.created', 'order.status.updated'] });
    await create(parley, seller.id, { url: 'http://127.0.0.1:1/c', events: ['order.status.updated'] });

    const sent = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'replay me' }, { token: seller.token });
    expect(sent.status, sent.text).toBe(200);
    const event = parley.readDb((db) =>
      (db.prepare("select id, payload from webhook_events where topic = 'order.message.created' and user_id = ?").all(seller.id) as { id: string; payload: string }[])
        .find((r) => JSON.parse(r.payload).payload.message.id === sent.body.data.id));
    expect(event, 'the message event').toBeDefined();

    const res = await parley.admin.post(`/admin/v1/webhook-events/${event!.id}/replay`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ data: { event_id: event!.id, deliveries: 2 } });

    // A disabled endpoint is left out.
    expect((await parley.admin.patch(endpointPath(a.id), { disabled: true })).status).toBe(200);
    const again = await parley.admin.post(`/admin/v1/webhook-events/${event!.id}/replay`, {});
    expect(again.status, again.text).toBe(202);
    expect(again.body).toEqual({ data: { event_id: event!.id, deliveries: 1 } });
  });

  it('answers deliveries: 0 when no endpoint takes the event any more', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const { id } = await create(parley, seller.id, { url: 'http://127.0.0.1:1/x', events: ['order.message.created'] });
    const sent = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'orphan' }, { token: seller.token });
    expect(sent.status, sent.text).toBe(200);
    const eventId = parley.readDb((db) =>
      (db.prepare("select id from webhook_events where topic = 'order.message.created' and user_id = ?").get(seller.id) as { id: string }).id);
    expect((await parley.admin.delete(endpointPath(id))).status).toBe(204);
    const res = await parley.admin.post(`/admin/v1/webhook-events/${eventId}/replay`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ data: { event_id: eventId, deliveries: 0 } });
  });
});
