import { describe, expect, it } from 'vitest';
import { expectValidationError } from '../post-order-complete/helpers.js';
import { actionPath, disputeScenario } from '../dispute-support/helpers.js';
import { disputeSnapshot, stateSuite } from '../dispute-support/seller-action-suites.js';

const parley = stateSuite('accept', ['under_review', 'closed']);

describe('POST /v2/order-disputes/{id}/accept -> 422 (fields)', () => {
  it('limits message to 1200 characters counted in code points, and takes only a string', async () => {
    const s = await disputeScenario(parley());
    const before = disputeSnapshot(parley(), s);
    const post = (body: unknown) => parley().api.post(actionPath(s.dispute.id, 'accept'), body, { token: s.seller.token });
    expectValidationError(await post({ message: '😀'.repeat(1201) }), { message: ['The message field must not be greater than 1200 characters.'] });
    expectValidationError(await post({ message: 12 }), { message: ['The message field must be a string.'] });
    expectValidationError(await post({ message: 'a\u0000b' }), { message: ['The message field must not contain null characters.'] });
    expect(disputeSnapshot(parley(), s)).toEqual(before);
    // 1200 astral characters are 2400 UTF-16 units, and fine.
    const ok = await post({ message: '😀'.repeat(1200) });
    expect(ok.status, ok.text).toBe(200);
  });
});
