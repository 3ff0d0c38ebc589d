import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { orderRow, threadRows } from '../post-order-complete/helpers.js';
import { actionPath, counteredScenario, disputeScenario } from '../dispute-support/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/order-disputes/{id}/escalate -> 200', () => {
  it('hands the case to GameBoost: under_review (seller_requested), no active deadline, the order still locked', async () => {
    const s = await disputeScenario(parley);
    const res = await parley.api.post(actionPath(s.dispute.id, 'escalate'), {
      message: 'Buyer refuses to communicate.', evidence_urls: ['https://cdn.example.com/chat.png'],
    }, { token: s.seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.message).toBe('Dispute escalated to GameBoost.');
    expect(res.body.data).toMatchObject({
      status: 'under_review', progress_path: 'under_review', escalation_reason: 'seller_requested',
      active_due_at: null, is_active_deadline_expired: false, seller_response_due_at: s.dispute.seller_response_due_at, closed_at: null,
    });
    expect(res.body.data.events.at(-1)).toMatchObject({
      type: 'seller_escalated', actor_id: s.seller.id, payload: { message: 'Buyer refuses to communicate.' }, evidence_urls: ['https://cdn.example.com/chat.png'],
    });
    expect(orderRow(parley, s.order.id)).toMatchObject({ is_disputed: 1, status: 'delivered' });
    expect(threadRows(parley, ACCOUNT_ORDERS, s.order.id).at(-1)!.text).toBe('The seller escalated the dispute to GameBoost for review.');
  });

  it('escalates while the case waits for the buyer too', async () => {
    const s = await counteredScenario(parley);
    const res = await parley.api.post(actionPath(s.dispute.id, 'escalate'), { message: 'No answer.' }, { token: s.seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'under_review', buyer_response_due_at: s.dispute.buyer_response_due_at, active_due_at: null });
  });
});
