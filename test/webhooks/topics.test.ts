import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES, type OrderKindCase } from '../support/order-kinds.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { ALL_TOPICS, createEndpoint, withoutCredentials } from './helpers.js';
import { expectSignedDelivery, Receiver, sleep, waitFor, type ReceivedRequest } from './receiver.js';

let parley: TestParley;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
  parley = await startTestParley({ PARLEY_WEBHOOK_POLL_MS: '25' });
});
afterAll(async () => {
  await receiver?.close();
  await parley?.close();
});

/** Time for a delivery that should not happen to have happened: many polls past the positive ones. */
const SETTLE_MS = 400;

/** Credentials each kind can carry at creation (item orders have none). */
const CREDENTIALS: Record<OrderKindCase['kind'], unknown> = {
  account: 'login: smurf / pass: hunter2-SECRET',
  item: undefined,
  currency: { character: 'Hunter2Char', server: 'EU-SECRET' },
};

async function waitForCount(path: string, n: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
  await waitFor(() => receiver.on(path).length >= n, timeoutMs, `${n} request(s) on ${path}`);
  return receiver.on(path);
}

function byTopic(requests: ReceivedRequest[], topic: string): ReceivedRequest[] {
  return requests.filter((r) => r.headers['x-gameboost-topic'] === topic);
}

async function patchStatus(kind: OrderKindCase, id: number, status: string): Promise<any> {
  const res = await parley.admin.patch(`${kind.adminPath}/${id}`, { status });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

describe('webhook topics', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it(`sends ${kind.kind}.order.purchased, signed, when the admin API creates the order; the payload is the order without credentials`, async () => {
      const seller = await parley.fixtures.user('seller');
      const buyer = await parley.fixtures.user('buyer');
      const path = receiver.newPath();
      const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), [`${kind.kind}.order.purchased`]);

      const credentials = CREDENTIALS[kind.kind];
      const order = await parley.fixtures.order(seller, buyer, credentials === undefined ? {} : { credentials }, kind);
      if (credentials !== undefined) expect(order.credentials).toEqual(credentials);

      const [req] = await waitForCount(path, 1);
      const delivery = expectSignedDelivery(req!, [endpoint.secret], { topic: `${kind.kind}.order.purchased` });
      expect(delivery.body.event).toBe(`${kind.kind}.order.purchased`);
      expect(delivery.payload).toEqual(withoutCredentials(order));
      if (credentials !== undefined) {
        expect(delivery.payload.credentials).toBeNull();
        expect(req!.body).not.toContain('SECRET');
      }
      await sleep(SETTLE_MS);
      expect(receiver.on(path)).toHaveLength(1);
    });

    it('sends order.message.created for a user message, from either party, to the seller\'s endpoint', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const path = receiver.newPath();
      const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), ['order.message.created']);

      const sent = await parley.api.post(`${kind.path}/${order.id}/messages`, { message: 'Hello buyer!' }, { token: seller.token });
      expect(sent.status, sent.text).toBe(200);
      const first = expectSignedDelivery((await waitForCount(path, 1))[0]!, [endpoint.secret], { topic: 'order.message.created' });
      expect(first.payload).toEqual({ order_kind: kind.kind, order_id: order.id, message: sent.body.data });
      expect(Object.keys(first.payload)).toEqual(['order_kind', 'order_id', 'message']);

      const reply = await parley.api.post(`${kind.path}/${order.id}/messages`, { message: 'Thanks, seller.' }, { token: buyer.token });
      expect(reply.status, reply.text).toBe(200);
      const second = expectSignedDelivery((await waitForCount(path, 2))[1]!, [endpoint.secret], { topic: 'order.message.created' });
      expect(second.payload).toEqual({ order_kind: kind.kind, order_id: order.id, message: reply.body.data });
      expect(second.eventId).not.toBe(first.eventId);
    });

    it('sends order.status.updated and order.message.created (the system message) on a status change', async () => {
      const credentials = CREDENTIALS[kind.kind];
      const { seller, order } = await parley.fixtures.scenario('pending', credentials === undefined ? {} : { credentials }, kind);
      const path = receiver.newPath();
      const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), ['order.status.updated', 'order.message.created']);

      const updated = await patchStatus(kind, order.id, 'in_delivery');
      const requests = await waitForCount(path, 2);

      const [statusReq] = byTopic(requests, 'order.status.updated');
      const status = expectSignedDelivery(statusReq!, [endpoint.secret], { topic: 'order.status.updated' });
      expect(status.payload).toEqual({ order_kind: kind.kind, order: withoutCredentials(updated) });
      expect(Object.keys(status.payload)).toEqual(['order_kind', 'order']);
      expect(status.payload.order.status).toBe('in_delivery');
      if (credentials !== undefined) expect(status.payload.order.credentials).toBeNull();

      const thread = await parley.api.get(`${kind.path}/${order.id}/messages`, { token: seller.token });
      expect(thread.status, thread.text).toBe(200);
      const systemMessage = thread.body.data.at(-1);
      expect(systemMessage.type).toBe('system_message');
      const [messageReq] = byTopic(requests, 'order.message.created');
      const message = expectSignedDelivery(messageReq!, [endpoint.secret], { topic: 'order.message.created' });
      expect(message.payload).toEqual({ order_kind: kind.kind, order_id: order.id, message: systemMessage });
      expect(message.eventId).not.toBe(status.eventId);

      await sleep(SETTLE_MS);
      expect(receiver.on(path)).toHaveLength(2);
    });
  });

  it('sends webhook.test to that one endpoint on POST /admin/v1/webhook-endpoints/{id}/test', async () => {
    const seller = await parley.fixtures.user('seller');
    const path = receiver.newPath();
    const otherPath = receiver.newPath();
    // Subscribed to nothing that happens here: test events go to the endpoint regardless.
    const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), ['order.status.updated']);
    await createEndpoint(parley, seller.id, receiver.url(otherPath), ALL_TOPICS);

    const res = await parley.admin.post(`/admin/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ data: { event_id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/) } });

    const delivery = expectSignedDelivery((await waitForCount(path, 1))[0]!, [endpoint.secret], { topic: 'webhook.test' });
    expect(delivery.eventId).toBe(res.body.data.event_id);
    expect(delivery.payload).toEqual({ endpoint_id: endpoint.id, message: 'This is a test event from Parley.' });

    await sleep(SETTLE_MS);
    expect(receiver.on(path)).toHaveLength(1);
    expect(receiver.on(otherPath)).toHaveLength(0);
  });

  it('sends an endpoint only the topics it subscribed to', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const everything = receiver.newPath();
    const statusOnly = receiver.newPath();
    const itemOnly = receiver.newPath();
    const all = await createEndpoint(parley, seller.id, receiver.url(everything), ALL_TOPICS);
    const status = await createEndpoint(parley, seller.id, receiver.url(statusOnly), ['order.status.updated']);
    const item = await createEndpoint(parley, seller.id, receiver.url(itemOnly), ['item.order.purchased']);

    const account = ORDER_KIND_CASES[0]!;
    const newOrder = await parley.fixtures.order(seller, buyer, {}, account); // account.order.purchased
    await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'hi' }, { token: seller.token }); // order.message.created
    await patchStatus(account, order.id, 'delivered'); // order.status.updated + order.message.created

    const received = await waitForCount(everything, 4);
    expect(received.map((r) => r.headers['x-gameboost-topic']).sort()).toEqual(
      ['account.order.purchased', 'order.message.created', 'order.message.created', 'order.status.updated'].sort(),
    );
    for (const r of received) expectSignedDelivery(r, [all.secret]);
    const [onlyStatus] = await waitForCount(statusOnly, 1);
    expect(expectSignedDelivery(onlyStatus!, [status.secret]).topic).toBe('order.status.updated');
    expect(newOrder.id).toBeGreaterThan(0);

    await sleep(SETTLE_MS);
    expect(receiver.on(everything)).toHaveLength(4);
    expect(receiver.on(statusOnly)).toHaveLength(1);
    expect(receiver.on(itemOnly)).toHaveLength(0);

    // The item endpoint does get an item order.
    const itemOrder = await parley.fixtures.order(seller, buyer, {}, ORDER_KIND_CASES[1]!);
    const [itemReq] = await waitForCount(itemOnly, 1);
    expect(expectSignedDelivery(itemReq!, [item.secret], { topic: 'item.order.purchased' }).payload).toEqual(itemOrder);
  });

  it("sends nothing to another seller's endpoint", async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const other = await parley.fixtures.user('seller');
    const mine = receiver.newPath();
    const theirs = receiver.newPath();
    const endpoint = await createEndpoint(parley, seller.id, receiver.url(mine), ALL_TOPICS);
    await createEndpoint(parley, other.id, receiver.url(theirs), ALL_TOPICS);

    await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'hi' }, { token: seller.token });
    await patchStatus(ORDER_KIND_CASES[0]!, order.id, 'in_delivery');
    expect((await parley.admin.post(`/admin/v1/webhook-endpoints/${endpoint.id}/test`)).status).toBe(202);

    await waitForCount(mine, 4);
    await sleep(SETTLE_MS);
    expect(receiver.on(mine)).toHaveLength(4);
    expect(receiver.on(theirs)).toHaveLength(0);
  });

  it('sends nothing to a disabled or a deleted endpoint, and again to a re-enabled one', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const live = receiver.newPath();
    const disabledPath = receiver.newPath();
    const deletedPath = receiver.newPath();
    await createEndpoint(parley, seller.id, receiver.url(live), ['order.message.created']);
    const disabled = await createEndpoint(parley, seller.id, receiver.url(disabledPath), ['order.message.created']);
    const deleted = await createEndpoint(parley, seller.id, receiver.url(deletedPath), ['order.message.created']);

    const off = await parley.admin.patch(`/admin/v1/webhook-endpoints/${disabled.id}`, { disabled: true });
    expect(off.status, off.text).toBe(200);
    expect(off.body.data.disabled).toBe(true);
    const gone = await parley.admin.delete(`/admin/v1/webhook-endpoints/${deleted.id}`);
    expect(gone.status, gone.text).toBe(204);

    await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'one' }, { token: seller.token });
    await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'two' }, { token: seller.token });
    await waitForCount(live, 2);
    await sleep(SETTLE_MS);
    expect(receiver.on(disabledPath)).toHaveLength(0);
    expect(receiver.on(deletedPath)).toHaveLength(0);

    // Re-enabled: later events arrive again (the ones sent while disabled are not queued for it).
    const on = await parley.admin.patch(`/admin/v1/webhook-endpoints/${disabled.id}`, { disabled: false });
    expect(on.status, on.text).toBe(200);
    expect(on.body.data).toMatchObject({ disabled: false, disabled_reason: null });
    const three = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'three' }, { token: seller.token });
    const [req] = await waitForCount(disabledPath, 1);
    expect(expectSignedDelivery(req!, [disabled.secret]).payload.message).toEqual(three.body.data);
    await sleep(SETTLE_MS);
    expect(receiver.on(disabledPath)).toHaveLength(1);
    expect(receiver.on(deletedPath)).toHaveLength(0);
  });
});
