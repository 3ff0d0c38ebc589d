import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { orderRow, threadRows } from '../post-order-complete/helpers.js';
import { actionPath, adminActionPath, counteredScenario, disputeScenario } from '../dispute-support/helpers.js';

const clock = new ManualClock(Date.UTC(2026, 6, 1, 0, 0, 0));
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock });
});
afterAll(() => parley.close());

const lastText = (orderId: number) => threadRows(parley, ACCOUNT_ORDERS, orderId).at(-1)!.text;

describe('POST /admin/v1/order-disputes/{id}/buyer-reply -> 200', () => {
  it('rejects a counter: back to the seller with a new seller deadline from the clock', async () => {
    const s = await counteredScenario(parley, {}, { seller_response_hours: 6 });
    clock.advance(7_200_000);
    const now = clock.now();
    const res = await parley.admin.post(adminActionPath(s.dispute.id, 'buyer-reply'), { message: 'Still broken.', evidence_urls: ['https://i.example/x.png'] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.message).toBe('Reply added.');
    expect(res.body.data).toMatchObject({
      status: 'waiting_for_seller', progress_path: 'waiting_for_seller', seller_response_due_at: now + 6 * 3600, active_due_at: now + 6 * 3600,
      buyer_response_due_at: s.dispute.buyer_response_due_at,
    });
    expect(res.body.data.events.at(-1)).toMatchObject({
      type: 'buyer_replied', actor_id: s.buyer.id, actor_username: s.buyer.username, payload: { message: 'Still broken.' }, evidence_urls: ['https://i.example/x.png'],
    });
    expect(lastText(s.order.id)).toBe("The buyer rejected the seller's proposal and replied. The seller has 6 hours to respond.");
  });

  it('only adds to the timeline while the case waits for the seller or is under review', async () => {
    const s = await disputeScenario(parley);
    const res = await parley.admin.post(adminActionPath(s.dispute.id, 'buyer-reply'), { message: 'More details.' });
    expect(res.status, res.text).toBe(200);
    const { events, updated_at: _u, ...rest } = res.body.data;
    const { events: _e, updated_at: _u2, ...was } = s.dispute;
    expect(rest).toEqual(was);
    expect(events.map((e: any) => e.type)).toEqual(['dispute_created', 'buyer_replied']);
    expect(lastText(s.order.id)).toBe('The buyer added a reply to the dispute.');
    const escalated = await parley.api.post(actionPath(s.dispute.id, 'escalate'), { message: 'Review please.' }, { token: s.seller.token });
    const again = await parley.admin.post(adminActionPath(s.dispute.id, 'buyer-reply'), { message: 'For the reviewer.' });
    expect(again.body.data.status).toBe('under_review');
    expect(again.body.data.escalation_reason).toBe(escalated.body.data.escalation_reason);
  });
});

describe('POST /admin/v1/order-disputes/{id}/buyer-accept -> 200', () => {
  it("closes the case with the counter's resolution (replacement): the order is unlocked, not refunded", async () => {
    const s = await counteredScenario(parley, { counter_resolution: 'replacement' });
    const now = clock.now();
    const res = await parley.admin.post(adminActionPath(s.dispute.id, 'buyer-accept'), { message: 'Fine.' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.message).toBe('Counter accepted.');
    expect(res.body.data).toMatchObject({
      status: 'closed', progress_path: 'waiting_for_buyer', closure_reason: 'buyer_accepted', outcome: 'replacement', closed_at: now, locked_at: null, active_due_at: null,
    });
    expect(res.body.data.events.at(-1)).toMatchObject({ type: 'buyer_accepted_counter', actor_id: s.buyer.id, payload: { message: 'Fine.', counter_resolution: 'replacement' } });
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'delivered', is_disputed: 0, dispute_case_id: s.dispute.id });
    expect(lastText(s.order.id)).toBe("The buyer accepted the seller's proposal (replacement). The dispute is closed.");
  });

  it('a refund counter refunds the order', async () => {
    const s = await counteredScenario(parley, { counter_resolution: 'refund' });
    const res = await parley.admin.post(adminActionPath(s.dispute.id, 'buyer-accept'), {});
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ outcome: 'refund', closure_reason: 'buyer_accepted' });
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'refunded', refunded_at: clock.now(), is_disputed: 0 });
    expect(lastText(s.order.id)).toBe('Order status changed from delivered to refunded.');
  });
});

describe('POST /admin/v1/order-disputes/{id}/buyer-escalate -> 200', () => {
  it.each(['waiting_for_seller', 'waiting_for_buyer'] as const)('sends a case %s to GameBoost (buyer_requested)', async (status) => {
    const s = status === 'waiting_for_seller' ? await disputeScenario(parley) : await counteredScenario(parley);
    const res = await parley.admin.post(adminActionPath(s.dispute.id, 'buyer-escalate'), { message: 'Seller is lying.' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'under_review', escalation_reason: 'buyer_requested', active_due_at: null });
    expect(res.body.data.events.at(-1)).toMatchObject({ type: 'buyer_escalated', actor_id: s.buyer.id, payload: { message: 'Seller is lying.' } });
  });
});

describe('POST /admin/v1/order-disputes/{id}/resolve -> 200', () => {
  it('staff close any open case with the outcome; refund refunds the order; the actor is the admin user', async () => {
    const s = await disputeScenario(parley, { status: 'in_delivery', body: { preferred_resolution: 'other' } });
    await parley.api.post(actionPath(s.dispute.id, 'escalate'), { message: 'Review.' }, { token: s.seller.token });
    const res = await parley.admin.post(adminActionPath(s.dispute.id, 'resolve'), { outcome: 'refund', message: 'Refund granted.' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.message).toBe('Dispute resolved.');
    expect(res.body.data).toMatchObject({ status: 'closed', progress_path: 'under_review', closure_reason: 'staff_resolved', outcome: 'refund' });
    expect(res.body.data.events.at(-1)).toMatchObject({
      type: 'staff_resolved', actor_id: expect.any(Number), actor_username: expect.any(String), payload: { outcome: 'refund', message: 'Refund granted.' },
    });
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'refunded', is_disputed: 0 });
  });

  it.each(['replacement', 'store_credit', 'other', 'rejected'] as const)('closes with outcome %s and leaves the order status alone', async (outcome) => {
    const s = await disputeScenario(parley);
    const res = await parley.admin.post(adminActionPath(s.dispute.id, 'resolve'), { outcome });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'closed', outcome, closure_reason: 'staff_resolved' });
    expect(res.body.data.events.at(-1).payload).toEqual({ outcome, message: null });
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'delivered', refunded_at: null, is_disputed: 0 });
    expect(lastText(s.order.id)).toBe(`GameBoost resolved the dispute (outcome: ${outcome.replace('_', ' ')}). The dispute is closed.`);
  });
});
