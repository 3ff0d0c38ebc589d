import { describe, expect, it } from 'vitest';
import { expectValidationError } from '../post-order-complete/helpers.js';
import { actionPath, disputeScenario } from '../dispute-support/helpers.js';
import { disputeSnapshot, stateSuite } from '../dispute-support/seller-action-suites.js';

const parley = stateSuite('escalate', ['under_review', 'closed']);

describe('POST /v2/order-disputes/{id}/escalate -> 422 (fields)', () => {
  it('requires a message of at most 1200 code points; at most 5 evidence URLs', async () => {
    const s = await disputeScenario(parley());
    const before = disputeSnapshot(parley(), s);
    const post = (body: unknown) => parley().api.post(actionPath(s.dispute.id, 'escalate'), body, { token: s.seller.token });
    expectValidationError(await post({}), { message: ['The message field is required.'] });
    expectValidationError(await post({ message: '' }), { message: ['The message field is required.'] });
    expectValidationError(await post({ message: '𝄞'.repeat(1201), evidence_urls: ['a', 'b', 'c', 'd', 'e', 'f'] }), {
      message: ['The message field must not be greater than 1200 characters.'],
      evidence_urls: ['The evidence urls field must not have more than 5 items.'],
      'evidence_urls.0': ['The evidence urls.0 field format is invalid.'],
      'evidence_urls.1': ['The evidence urls.1 field format is invalid.'],
      'evidence_urls.2': ['The evidence urls.2 field format is invalid.'],
      'evidence_urls.3': ['The evidence urls.3 field format is invalid.'],
      'evidence_urls.4': ['The evidence urls.4 field format is invalid.'],
      'evidence_urls.5': ['The evidence urls.5 field format is invalid.'],
    });
    expect(disputeSnapshot(parley(), s)).toEqual(before);
  });
});
