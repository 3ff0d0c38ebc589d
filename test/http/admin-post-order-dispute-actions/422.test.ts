import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectValidationError } from '../post-order-complete/helpers.js';
import { adminActionPath, disputeScenario } from '../dispute-support/helpers.js';
import { caseIn, disputeSnapshot, STATE_MESSAGES } from '../dispute-support/seller-action-suites.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/order-disputes/{id}/* -> 422', () => {
  it('names the bad fields of each body, and changes nothing', async () => {
    const s = await disputeScenario(parley);
    const before = disputeSnapshot(parley, s);
    const post = (action: Parameters<typeof adminActionPath>[1], body: unknown) => parley.admin.post(adminActionPath(s.dispute.id, action), body);
    expectValidationError(await post('buyer-reply', {}), { message: ['The message field is required.'] });
    expectValidationError(await post('buyer-reply', { message: 'x'.repeat(1201) }), { message: ['The message field must not be greater than 1200 characters.'] });
    expectValidationError(await post('buyer-escalate', { message: ' ', evidence_urls: [1] }), {
      message: ['The message field is required.'], 'evidence_urls.0': ['The evidence urls.0 field must be a string.'],
    });
    expectValidationError(await post('buyer-accept', { message: ['no'] }), { message: ['The message field must be a string.'] });
    expectValidationError(await post('resolve', {}), { outcome: ['The outcome field is required.'] });
    expectValidationError(await post('resolve', { outcome: 'partial_refund' }), { outcome: ['The selected outcome is invalid.'] });
    expect(disputeSnapshot(parley, s)).toEqual(before);
  });

  it('refuses steps the status does not allow, naming status', async () => {
    const waiting = await disputeScenario(parley);
    expectValidationError(await parley.admin.post(adminActionPath(waiting.dispute.id, 'buyer-accept'), {}), { status: [STATE_MESSAGES.waiting_for_seller] });
    const review = await caseIn(parley, 'under_review');
    expectValidationError(await parley.admin.post(adminActionPath(review.dispute.id, 'buyer-escalate'), { message: 'x' }), { status: [STATE_MESSAGES.under_review] });
    expectValidationError(await parley.admin.post(adminActionPath(review.dispute.id, 'buyer-accept'), {}), { status: [STATE_MESSAGES.under_review] });
    const closed = await caseIn(parley, 'closed');
    const before = disputeSnapshot(parley, closed);
    for (const [action, body] of [['buyer-reply', { message: 'x' }], ['buyer-accept', {}], ['buyer-escalate', { message: 'x' }], ['resolve', { outcome: 'refund' }]] as const) {
      expectValidationError(await parley.admin.post(adminActionPath(closed.dispute.id, action), body), { status: [STATE_MESSAGES.closed] });
    }
    expect(disputeSnapshot(parley, closed)).toEqual(before);
  });
});
