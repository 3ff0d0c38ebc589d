import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { orderPath, orderRow, threadRows } from '../post-order-complete/helpers.js';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { actionPath, caseRow, counteredScenario, disputePath, disputeScenario } from '../dispute-support/helpers.js';

const clock = new ManualClock(Date.UTC(2026, 3, 10, 9, 0, 0));
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock });
});
afterAll(() => parley.close());

describe('POST /v2/order-disputes/{id}/accept -> 200', () => {
  it('accepting a preferred refund refunds the order and closes the case (seller_accepted, refund)', async () => {
    const s = await disputeScenario(parley, { status: 'delivered' });
    clock.advance(5_000);
    const now = clock.now();
    const res = await parley.api.post(actionPath(s.dispute.id, 'accept'), { message: '  You are right, processing the refund now.  ' }, { token: s.seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.message).toBe('Dispute accepted. The order was refunded.');
    const { events, ...data } = res.body.data;
    expect(data).toEqual({
      ...s.dispute, events: undefined,
      status: 'closed', progress_path: 'waiting_for_seller', closure_reason: 'seller_accepted', outcome: 'refund',
      active_due_at: null, is_active_deadline_expired: false, locked_at: null, closed_at: now, updated_at: now,
    } as any);
    expect(events.at(-1)).toEqual({
      id: expect.any(Number), type: 'seller_accepted', actor_id: s.seller.id, actor_username: s.seller.username,
      payload: { message: 'You are right, processing the refund now.' }, evidence_urls: [], created_at: now,
    });

    // The order: refunded through its status path, unlocked, still pointing at the case.
    const order = await parley.api.get(orderPath(ACCOUNT_ORDERS, s.order.id), { token: s.buyer.token });
    expect(order.body.data).toMatchObject({ status: 'refunded', refunded_at: now, is_disputed: false, dispute_case_id: s.dispute.id });
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'refunded', refunded_at: now, is_disputed: 0 });
    expect(threadRows(parley, ACCOUNT_ORDERS, s.order.id).map((r) => r.text)).toEqual([
      expect.stringMatching(/^The buyer opened a dispute/),
      'The seller accepted the dispute: the order is refunded.',
      'Order status changed from delivered to refunded.',
    ]);
    expect(caseRow(parley, s.dispute.id)).toMatchObject({ status: 'closed', outcome: 'refund', closed_at: now });
    expect((await parley.api.get(disputePath(s.dispute.id), { token: s.buyer.token })).body.data).toEqual(res.body.data);
  });

  it('accepting another preferred resolution sends the case to GameBoost: under_review (seller_accepted), the order untouched', async () => {
    const s = await disputeScenario(parley, { status: 'in_delivery', body: { preferred_resolution: 'replacement' } });
    const res = await parley.api.post(actionPath(s.dispute.id, 'accept'), {}, { token: s.seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.message).toBe('Dispute accepted. GameBoost will settle the resolution.');
    expect(res.body.data).toMatchObject({
      status: 'under_review', progress_path: 'under_review', escalation_reason: 'seller_accepted', closure_reason: null, outcome: null,
      active_due_at: null, locked_at: s.dispute.locked_at, closed_at: null,
    });
    expect(res.body.data.events.at(-1)).toMatchObject({ type: 'seller_accepted', payload: { message: null } });
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'in_delivery', refunded_at: null, is_disputed: 1, dispute_case_id: s.dispute.id });
    expect(threadRows(parley, ACCOUNT_ORDERS, s.order.id).at(-1)!.text).toBe('The seller accepted the dispute; GameBoost will settle the replacement resolution.');
  });

  it('the seller may still accept after countering (waiting for the buyer); a blank message is none', async () => {
    const s = await counteredScenario(parley);
    const res = await parley.api.post(actionPath(s.dispute.id, 'accept'), { message: '   ' }, { token: s.seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'closed', progress_path: 'waiting_for_buyer', closure_reason: 'seller_accepted', outcome: 'refund' });
    expect(res.body.data.events.map((e: any) => e.type)).toEqual(['dispute_created', 'seller_countered', 'seller_accepted']);
    expect(res.body.data.events[2].payload).toEqual({ message: null });
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'refunded' });
  });

  it('an admin key acts for the seller; the timeline names the seller; a form body works too', async () => {
    const s = await disputeScenario(parley);
    const res = await parley.admin.request('POST', actionPath(s.dispute.id, 'accept'), {
      raw: 'message=ok', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.events.at(-1)).toMatchObject({ type: 'seller_accepted', actor_id: s.seller.id, actor_username: s.seller.username, payload: { message: 'ok' } });
  });

  it('unlocks the order: once closed, the seller may complete an item order again', async () => {
    const { seller, order } = await parley.fixtures.scenario('in_delivery', {}, { kind: 'item', path: '/v2/item-orders', adminPath: '/admin/v1/item-orders', priceField: 'price_eur', offerField: 'item_offer_id' });
    const opened = await parley.admin.post(`/admin/v1/item-orders/${order.id}/disputes`, { reason: 'item_not_received', explanation: 'Nothing came.', preferred_resolution: 'other' });
    expect(opened.status, opened.text).toBe(201);
    const locked = await parley.api.post(`/v2/item-orders/${order.id}/complete`, undefined, { token: seller.token });
    expect({ status: locked.status, message: locked.body.message }).toEqual({ status: 403, message: 'The order is locked by an open dispute.' });
    const resolved = await parley.admin.post(`/admin/v1/order-disputes/${opened.body.data.id}/resolve`, { outcome: 'rejected' });
    expect(resolved.status, resolved.text).toBe(200);
    const completed = await parley.api.post(`/v2/item-orders/${order.id}/complete`, undefined, { token: seller.token });
    expect(completed.status, completed.text).toBe(200);
  });
});
