import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { orderRow, threadRows } from '../post-order-complete/helpers.js';
import { actionPath, disputePath, disputeScenario } from '../dispute-support/helpers.js';

/**
 * The deadlines end to end in the sandbox: the test clock's advance runs the deadline jobs at
 * their due times, before it answers (docs/api.md, "Order disputes").
 */
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_ENV: 'sandbox' });
});
afterAll(async () => {
  await parley.admin.post('/admin/v1/clock/reset');
  await parley.close();
});

async function advance(seconds: number): Promise<any> {
  const res = await parley.admin.post('/admin/v1/clock/advance', { seconds });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

describe('dispute deadlines on the sandbox clock', () => {
  it("the seller's deadline passing sends the case to GameBoost, at its due time", async () => {
    const s = await disputeScenario(parley, { body: { seller_response_hours: 1 } });
    // The sandbox clock runs on from the wall clock: a margin of real seconds before the deadline.
    const clock = await advance(3590);
    expect(clock.jobs_run).toBe(0);
    expect((await parley.api.get(disputePath(s.dispute.id), { token: s.seller.token })).body.data.status).toBe('waiting_for_seller');
    expect((await advance(10)).jobs_run).toBe(1);
    const read = await parley.api.get(disputePath(s.dispute.id), { token: s.seller.token });
    expect(read.body.data).toMatchObject({
      status: 'under_review', escalation_reason: 'seller_response_expired', active_due_at: null, is_active_deadline_expired: false,
      updated_at: s.dispute.seller_response_due_at,
    });
    expect(threadRows(parley, ACCOUNT_ORDERS, s.order.id).at(-1)!.text).toBe('The seller did not respond in time: the dispute went to GameBoost for review.');
  });

  it("the buyer's deadline after a counter closes the case (buyer_response_expired, rejected) and unlocks the order", async () => {
    const s = await disputeScenario(parley, { body: { buyer_response_hours: 2 } });
    const counter = await parley.api.post(actionPath(s.dispute.id, 'counter'), { message: 'Offer', counter_resolution: 'replacement' }, { token: s.seller.token });
    expect(counter.status, counter.text).toBe(200);
    const due = counter.body.data.buyer_response_due_at;
    const clock = await advance(3 * 3600);
    expect(clock.jobs_run).toBeGreaterThanOrEqual(1);
    const read = await parley.api.get(disputePath(s.dispute.id), { token: s.buyer.token });
    expect(read.body.data).toMatchObject({
      status: 'closed', closure_reason: 'buyer_response_expired', outcome: 'rejected', closed_at: due, locked_at: null, active_due_at: null,
    });
    expect(read.body.data.events.map((e: any) => e.type)).toEqual(['dispute_created', 'seller_countered', 'buyer_response_expired']);
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'delivered', is_disputed: 0, dispute_case_id: s.dispute.id });
    // Nothing is left to run for the case.
    expect((await advance(30 * 86_400)).jobs_run).toBe(0);
  });
});
