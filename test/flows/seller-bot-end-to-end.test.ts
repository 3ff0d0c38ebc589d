import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { ManualClock } from '../support/manual-clock.js';
import { Receiver, verifiesHex, waitFor } from '../webhooks/receiver.js';
import { createEndpoint, type CreatedEndpoint } from '../webhooks/helpers.js';
import type { TestUser } from '../support/fixtures.js';

/**
 * A seller bot's whole conversation, driven in seconds by the sandbox: a scripted buyer complains,
 * the seller answers and re-delivers, the test clock jumps a day and the order completes by
 * itself; a second buyer disputes, the seller counters, the buyer's deadline passes and the case
 * closes. Every webhook arrives signed, and (the test waits for each step's deliveries before
 * the next step) in the order things happened, per order.
 */
const HOUR = 3600;
const TOPICS = ['account.order.purchased', 'order.message.created', 'order.status.updated', 'order.dispute.created', 'order.dispute.updated'];

let parley: TestParley;
let receiver: Receiver;
let seller: TestUser;
let endpoint: CreatedEndpoint;
let path: string;
let T0: number;

beforeAll(async () => {
  receiver = await Receiver.start();
  const startMs = Math.floor(Date.now() / 1000) * 1000;
  T0 = startMs / 1000;
  parley = await startTestParley({ PARLEY_WEBHOOK_POLL_MS: '20' }, { clock: new ManualClock(startMs) });
  seller = await parley.fixtures.user('seller');
  path = receiver.newPath();
  endpoint = await createEndpoint(parley, seller.id, receiver.url(path), TOPICS);
});
afterAll(async () => {
  await receiver?.close();
  await parley?.close();
});

const put = (p: string, json: unknown) => parley.admin.request('PUT', p, { json });
const advance = async (seconds: number) => {
  const res = await parley.admin.post('/admin/v1/clock/advance', { seconds });
  expect(res.status, res.text).toBe(200);
  return res.body.data as { now: number; jobs_run: number };
};
const script = async (orderId: number) => (await parley.admin.get(`/admin/v1/account-orders/${orderId}/buyer-script`)).body.data;
const say = async (orderId: number, text: string) => {
  const res = await parley.api.post(`/v2/account-orders/${orderId}/messages`, { message: text }, { token: seller.token });
  expect(res.status, res.text).toBe(200);
};

/** Waits until every delivery queued so far has reached the receiver (2xx), then answers what it got. */
async function delivered(): Promise<{ topic: string; eventId: string; payload: any }[]> {
  const pending = () => parley.readDb((db) => (db.prepare("select count(*) as n from webhook_deliveries where endpoint_id = ? and state <> 'succeeded'").get(endpoint.id) as { n: number }).n);
  const total = () => parley.readDb((db) => (db.prepare('select count(*) as n from webhook_deliveries where endpoint_id = ?').get(endpoint.id) as { n: number }).n);
  await waitFor(() => Number(pending()) === 0 && receiver.on(path).length >= Number(total()), 10_000, 'every webhook delivered');
  return receiver.on(path).map((req) => {
    // Signed with the endpoint's secret, over the exact bytes received.
    expect(verifiesHex(req.headers.signature as string, endpoint.secret, req.body), 'Signature').toBe(true);
    const body = JSON.parse(req.body);
    return { topic: body.event, eventId: req.headers['x-gameboost-event-id'] as string, payload: body.payload };
  });
}

/** Which order a delivery is about. */
function orderOf(d: { topic: string; payload: any }): number {
  if (d.topic.startsWith('order.dispute')) return (d.payload.dispute ?? d.payload).orderable_id;
  return d.payload.order_id ?? d.payload.order?.id ?? d.payload.id;
}

/** The deliveries of one order, as received, summarised as topic (and what moved). */
function story(all: { topic: string; eventId: string; payload: any }[], orderId: number): string[] {
  const mine = all.filter((d) => orderOf(d) === orderId);
  // Received in the order the events were made (ids sort by creation).
  expect(mine.map((d) => d.eventId)).toEqual([...mine.map((d) => d.eventId)].sort());
  return mine.map((d) => {
    if (d.topic === 'order.message.created') return `message: ${d.payload.message.text}`;
    if (d.topic === 'order.status.updated') return `status: ${d.payload.order.status}`;
    if (d.topic === 'order.dispute.updated') return `dispute: ${d.payload.event.type}`;
    if (d.topic === 'order.dispute.created') return `dispute opened: ${d.payload.status}`;
    return d.topic;
  });
}

async function accountOrder(buyer: TestUser): Promise<{ id: number }> {
  return parley.fixtures.order(seller, buyer, { status: 'in_delivery', credentials: 'login: hero / pass: first-try' });
}

describe('a seller bot, end to end, on the test clock', () => {
  it('complaint, re-delivery, and the order completes 24 hours later by itself', async () => {
    const buyer = await parley.fixtures.user('buyer');
    const order = await accountOrder(buyer);
    const set = await put(`/admin/v1/account-orders/${order.id}/buyer-script`, {
      script: [
        { on: 'message', match: '(?i)password', after: 30, reply: 'It says wrong password' },
        { on: 'message', match: '(?i)updated|new credentials', after: 60, reply: 'Works now, thanks!' },
      ],
    });
    expect(set.status, set.text).toBe(200);
    await delivered();

    await say(order.id, 'Hi! Your login and password are in the order details.');
    await delivered();
    expect((await advance(30)).jobs_run).toBe(1);
    await delivered();

    // The bot reads the complaint and re-delivers.
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    expect(thread.body.data.at(-1)).toMatchObject({ text: 'It says wrong password', sender: { id: buyer.id }, sent_at: T0 + 30 });
    const patched = await parley.api.patch(`/v2/account-orders/${order.id}/credentials`, { credentials: 'login: hero / pass: second-try' }, { token: seller.token });
    expect(patched.status, patched.text).toBe(200);
    await say(order.id, 'Sorry! I updated the credentials.');
    await delivered();

    // A day later: the buyer's thanks (60 s after the message), then the completion, 24 h after the re-delivery.
    const day = await advance(24 * HOUR);
    expect(day.jobs_run).toBe(2);
    const done = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
    expect(done.body.data).toMatchObject({ status: 'delivered', completed_at: T0 + 30 + 24 * HOUR });
    expect((await script(order.id)).steps.map((s: { status: string; ran_at: number }) => [s.status, s.ran_at])).toEqual([['done', T0 + 30], ['done', T0 + 90]]);

    expect(story(await delivered(), order.id)).toEqual([
      'account.order.purchased',
      'message: Hi! Your login and password are in the order details.',
      'message: It says wrong password',
      'message: The seller updated the delivered credentials. Please check the order details.',
      'message: Sorry! I updated the credentials.',
      'message: Works now, thanks!',
      'status: delivered',
      'message: The order was completed automatically 24 hours after the credentials were delivered.',
    ]);
  });

  it('the buyer disputes, the seller counters, the buyer lets the deadline pass: the case closes', async () => {
    const buyer = await parley.fixtures.user('buyer');
    const order = await accountOrder(buyer);
    const set = await put(`/admin/v1/account-orders/${order.id}/buyer-script`, {
      script: [{ on: 'silence', after: 600, do: 'dispute', reason: 'account_not_as_described', explanation: 'The rank is lower than listed.' }],
    });
    expect(set.status, set.text).toBe(200);
    const start = (await parley.admin.get('/admin/v1/clock')).body.data.now;
    expect((await advance(600)).jobs_run).toBe(1);
    await delivered();

    const caseId = (await script(order.id)).steps[0].dispute_case_id;
    expect(caseId).toEqual(expect.any(Number));
    const counter = await parley.api.post(`/v2/order-disputes/${caseId}/counter`, {
      message: 'The rank was right at delivery; here is a replacement offer.', counter_resolution: 'replacement',
    }, { token: seller.token });
    expect(counter.status, counter.text).toBe(200);
    expect(counter.body.data).toMatchObject({ status: 'waiting_for_buyer', buyer_response_due_at: start + 600 + 24 * HOUR });
    await delivered();

    await advance(24 * HOUR);
    const closed = await parley.api.get(`/v2/order-disputes/${caseId}`, { token: seller.token });
    expect(closed.body.data).toMatchObject({
      status: 'closed', closure_reason: 'buyer_response_expired', outcome: 'rejected', closed_at: start + 600 + 24 * HOUR,
    });
    const after = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
    // The case is closed and the order unlocked; a disputed order is not auto-completed.
    expect(after.body.data).toMatchObject({ status: 'in_delivery', dispute_case_id: caseId });

    const events = story(await delivered(), order.id);
    expect(events[0]).toBe('account.order.purchased');
    expect(events).toContain('dispute opened: waiting_for_seller');
    expect(events.filter((e) => e.startsWith('dispute')).slice(-2)).toEqual(['dispute: seller_countered', 'dispute: buyer_response_expired']);
  });
});
