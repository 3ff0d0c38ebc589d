import { describe, expect, it } from 'vitest';
import { expectValidationError } from '../post-order-complete/helpers.js';
import { actionPath, disputeScenario } from '../dispute-support/helpers.js';
import { disputeSnapshot, stateSuite } from '../dispute-support/seller-action-suites.js';

const parley = stateSuite('counter', ['waiting_for_buyer', 'under_review', 'closed']);

const VALID = { message: 'Delivered as described.', counter_resolution: 'replacement' };

describe('POST /v2/order-disputes/{id}/counter -> 422 (fields)', () => {
  it.each([
    ['no body', {}, { message: ['The message field is required.'], counter_resolution: ['The counter resolution field is required.'] }],
    ['a blank message', { ...VALID, message: '   ' }, { message: ['The message field is required.'] }],
    ['a message over 1200 code points', { ...VALID, message: 'é'.repeat(1201) }, { message: ['The message field must not be greater than 1200 characters.'] }],
    ['an unknown resolution', { ...VALID, counter_resolution: 'money' }, { counter_resolution: ['The selected counter resolution is invalid.'] }],
    ['a note over 1000', { ...VALID, counter_resolution_note: 'n'.repeat(1001) }, { counter_resolution_note: ['The counter resolution note field must not be greater than 1000 characters.'] }],
    ['six evidence URLs', { ...VALID, evidence_urls: Array.from({ length: 6 }, (_, i) => `https://x.example/${i}.png`) },
      { evidence_urls: ['The evidence urls field must not have more than 5 items.'] }],
    ['evidence that is not a list', { ...VALID, evidence_urls: 'https://x.example/a.png' }, { evidence_urls: ['The evidence urls field must be an array.'] }],
    ['evidence that is not a URL', { ...VALID, evidence_urls: ['https://ok.example/a.png', 'ftp://x.example/a', 'not a url'] },
      { 'evidence_urls.1': ['The evidence urls.1 field format is invalid.'], 'evidence_urls.2': ['The evidence urls.2 field format is invalid.'] }],
    ['evidence that is not a string', { ...VALID, evidence_urls: [42] }, { 'evidence_urls.0': ['The evidence urls.0 field must be a string.'] }],
    ['an evidence URL over 2048', { ...VALID, evidence_urls: [`https://x.example/${'a'.repeat(2040)}`] },
      { 'evidence_urls.0': ['The evidence urls.0 field must not be greater than 2048 characters.'] }],
  ])('refuses %s, naming each field, and changes nothing', async (_name, body, errors) => {
    const s = await disputeScenario(parley());
    const before = disputeSnapshot(parley(), s);
    expectValidationError(await parley().api.post(actionPath(s.dispute.id, 'counter'), body, { token: s.seller.token }), errors);
    expect(disputeSnapshot(parley(), s)).toEqual(before);
  });

  it('checks the body before the status: a bad body on a closed case names the field', async () => {
    const s = await disputeScenario(parley());
    expect((await parley().admin.post(`/admin/v1/order-disputes/${s.dispute.id}/resolve`, { outcome: 'other' })).status).toBe(200);
    expectValidationError(await parley().api.post(actionPath(s.dispute.id, 'counter'), { counter_resolution: 'other' }, { token: s.seller.token }),
      { message: ['The message field is required.'] });
  });
});
