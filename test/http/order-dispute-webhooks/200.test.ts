import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_PAYLOADS } from '../../../src/contract/webhook-events.js';
import { createEndpoint, receiverAndParley } from '../../webhooks/helpers.js';
import { expectSignedDelivery, waitFor, type ReceivedRequest } from '../../webhooks/receiver.js';
import { actionPath, adminActionPath, disputePath, disputeScenario } from '../dispute-support/helpers.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
/** Each delivery's body against the topic's schema in the OpenAPI document's `webhooks`. */
function expectDocumented(topic: string, body: unknown): void {
  const validate = ajv.compile(WEBHOOK_PAYLOADS.find((w) => w.topic === topic)!.schema);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
}

const suite = receiverAndParley({ PARLEY_WEBHOOK_POLL_MS: '25' });

const TOPICS = ['order.dispute.created', 'order.dispute.updated', 'order.status.updated'];

async function received(path: string, n: number): Promise<ReceivedRequest[]> {
  await waitFor(() => suite.receiver.on(path).length >= n, 5000, `${n} deliveries on ${path}`);
  return suite.receiver.on(path);
}

describe('order.dispute.created / order.dispute.updated webhooks', () => {
  it('endpoints may subscribe to the dispute topics; each step arrives signed, in order, with the documented payloads', async () => {
    const s = await disputeScenarioWithEndpoint();
    const { endpoint, path } = s;
    const counter = await suite.parley.api.post(actionPath(s.dispute.id, 'counter'), { message: 'Replacement?', counter_resolution: 'refund' }, { token: s.seller.token });
    expect(counter.status, counter.text).toBe(200);
    const accepted = await suite.parley.admin.post(adminActionPath(s.dispute.id, 'buyer-accept'), { message: 'Yes' });
    expect(accepted.status, accepted.text).toBe(200);

    const requests = await received(path, 4);
    const deliveries = requests.map((r) => expectSignedDelivery(r, [endpoint.secret]));
    expect(deliveries.map((d) => d.body.event)).toEqual(['order.dispute.created', 'order.dispute.updated', 'order.status.updated', 'order.dispute.updated']);
    for (const d of deliveries) expectDocumented(d.body.event, d.body);

    // created: the case as GET served it then.
    expect(deliveries[0]!.payload).toEqual(s.dispute);
    // updated: {dispute, event} after each step, the event the last of the timeline.
    expect(deliveries[1]!.payload).toEqual({ dispute: counter.body.data, event: counter.body.data.events.at(-1) });
    expect(deliveries[1]!.payload.event).toMatchObject({ type: 'seller_countered', payload: { counter_resolution: 'refund' } });
    expect(deliveries[2]!.payload.order).toMatchObject({ id: s.order.id, status: 'refunded', is_disputed: false, dispute_case_id: s.dispute.id });
    expect(deliveries[3]!.payload).toEqual({ dispute: accepted.body.data, event: accepted.body.data.events.at(-1) });
    expect(deliveries[3]!.payload.dispute).toMatchObject({ status: 'closed', closure_reason: 'buyer_accepted', outcome: 'refund' });
    const read = await suite.parley.api.get(disputePath(s.dispute.id), { token: s.seller.token });
    expect(read.body.data).toEqual(deliveries[3]!.payload.dispute);
    // Every delivery is a new event.
    expect(new Set(requests.map((r) => r.headers['x-gameboost-event-id'])).size).toBe(4);
  });

  it("goes to the order's seller only: the buyer's side and other sellers get nothing", async () => {
    const s = await disputeScenarioWithEndpoint();
    const otherSeller = await suite.parley.fixtures.user('seller');
    const otherPath = suite.receiver.newPath();
    const other = await createEndpoint(suite.parley, otherSeller.id, suite.receiver.url(otherPath), TOPICS);
    await suite.parley.api.post(actionPath(s.dispute.id, 'escalate'), { message: 'Please review.' }, { token: s.seller.token });
    const requests = await received(s.path, 2);
    expect(requests.map((r) => r.headers['x-gameboost-topic'])).toEqual(['order.dispute.created', 'order.dispute.updated']);
    // The outbox wrote no delivery for the other seller's endpoint (they are written with the step).
    expect(suite.parley.readDb((db) => db.prepare('select count(*) as n from webhook_deliveries where endpoint_id = ?').get(other.id))).toEqual({ n: 0 });
    expect(suite.receiver.on(otherPath)).toEqual([]);
  });
});

async function disputeScenarioWithEndpoint() {
  const seller = await suite.parley.fixtures.user('seller');
  const buyer = await suite.parley.fixtures.user('buyer');
  const path = suite.receiver.newPath();
  const endpoint = await createEndpoint(suite.parley, seller.id, suite.receiver.url(path), TOPICS);
  expect(endpoint.resource.events).toEqual(TOPICS);
  const order = await suite.parley.fixtures.order(seller, buyer, { status: 'delivered' });
  const res = await suite.parley.admin.post(`/admin/v1/account-orders/${order.id}/disputes`, {
    reason: 'account_not_as_described', explanation: 'Wrong rank.', preferred_resolution: 'refund',
  });
  expect(res.status, res.text).toBe(201);
  return { seller, buyer, order, dispute: res.body.data, endpoint, path };
}
