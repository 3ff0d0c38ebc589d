import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { orderRow, threadRows } from '../post-order-complete/helpers.js';
import { actionPath, adminActionPath, caseRow, disputeScenario } from '../dispute-support/helpers.js';

const clock = new ManualClock(Date.UTC(2026, 4, 2, 10, 0, 0));
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock });
});
afterAll(() => parley.close());

const COUNTER = {
  message: 'Order was delivered as described, see attached screenshots.',
  counter_resolution: 'other',
  counter_resolution_note: 'Offering a replacement account',
  evidence_urls: ['https://cdn.example.com/proof1.png', ' http://example.org/video.mp4 '],
};

describe('POST /v2/order-disputes/{id}/counter -> 200', () => {
  it('records the counter-proposal and hands the case to the buyer with a deadline from the clock', async () => {
    const s = await disputeScenario(parley, { body: { buyer_response_hours: 48 } });
    clock.advance(3_600_000);
    const now = clock.now();
    const res = await parley.api.post(actionPath(s.dispute.id, 'counter'), COUNTER, { token: s.seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.message).toBe('Counter submitted.');
    expect(res.body.data).toMatchObject({
      status: 'waiting_for_buyer', progress_path: 'waiting_for_buyer',
      seller_response_due_at: s.dispute.seller_response_due_at, buyer_response_due_at: now + 48 * 3600, active_due_at: now + 48 * 3600,
      is_active_deadline_expired: false, closure_reason: null, outcome: null, updated_at: now, locked_at: s.dispute.locked_at,
    });
    expect(res.body.data.events.at(-1)).toEqual({
      id: expect.any(Number), type: 'seller_countered', actor_id: s.seller.id, actor_username: s.seller.username,
      payload: { message: COUNTER.message, counter_resolution: 'other', counter_resolution_note: 'Offering a replacement account' },
      evidence_urls: ['https://cdn.example.com/proof1.png', 'http://example.org/video.mp4'], created_at: now,
    });
    expect(caseRow(parley, s.dispute.id)).toMatchObject({ status: 'waiting_for_buyer', counter_resolution: 'other' });
    expect(threadRows(parley, ACCOUNT_ORDERS, s.order.id).at(-1)!.text).toBe('The seller proposed another resolution (other). The buyer has 48 hours to respond.');
    expect(orderRow(parley, s.order.id)).toMatchObject({ status: 'delivered', is_disputed: 1 });
  });

  it('takes no note and no evidence; may counter again after the buyer rejects the first one', async () => {
    const s = await disputeScenario(parley);
    const first = await parley.api.post(actionPath(s.dispute.id, 'counter'), { message: 'Replacement?', counter_resolution: 'replacement', evidence_urls: null }, { token: s.seller.token });
    expect(first.status, first.text).toBe(200);
    expect(first.body.data.events.at(-1)).toMatchObject({ payload: { counter_resolution_note: null }, evidence_urls: [] });
    const rejected = await parley.admin.post(adminActionPath(s.dispute.id, 'buyer-reply'), { message: 'No.' });
    expect(rejected.body.data.status).toBe('waiting_for_seller');
    const second = await parley.api.post(actionPath(s.dispute.id, 'counter'), { message: 'A refund then.', counter_resolution: 'refund' }, { token: s.seller.token });
    expect(second.status, second.text).toBe(200);
    expect(second.body.data.status).toBe('waiting_for_buyer');
    expect(caseRow(parley, s.dispute.id)).toMatchObject({ counter_resolution: 'refund' });
  });
});
