import { describe, expect, it } from 'vitest';
import { actionPath, disputeScenario, eventRows } from '../dispute-support/helpers.js';
import { useParley, VALID_BODY } from '../dispute-support/seller-action-suites.js';

const parley = useParley();

// A counter leaves the case waiting for the buyer, where the seller may still accept or escalate:
// a race that includes a counter may rightly apply two steps. Accept and escalate both end the
// seller's turn (under review), and a counter is allowed only while the case waits for the seller.
describe('POST /v2/order-disputes/{id}/{accept,counter,escalate}, sent together -> one 200, the rest 422', () => {
  it('applies exactly one step when the seller races accept and escalate on one case', async () => {
    const s = await disputeScenario(parley(), { body: { preferred_resolution: 'replacement' } });
    const actions = ['accept', 'escalate', 'accept', 'escalate', 'accept', 'escalate'] as const;
    const answers = await Promise.all(actions.map((a) => parley().api.post(actionPath(s.dispute.id, a), VALID_BODY[a], { token: s.seller.token })));
    const won = answers.filter((a) => a.status === 200);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422, 422, 422, 422, 422]);
    for (const a of answers.filter((x) => x.status === 422)) expect(Object.keys(a.body.errors)).toEqual(['status']);
    expect(eventRows(parley(), s.dispute.id)).toHaveLength(2);
    expect(won[0]!.body.data.events).toHaveLength(2);
  });

  it('applies exactly one counter when the seller sends several at once', async () => {
    const s = await disputeScenario(parley(), { body: { preferred_resolution: 'replacement' } });
    const answers = await Promise.all([0, 1, 2, 3].map(() => parley().api.post(actionPath(s.dispute.id, 'counter'), VALID_BODY.counter, { token: s.seller.token })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422, 422, 422]);
    for (const a of answers.filter((x) => x.status === 422)) expect(Object.keys(a.body.errors)).toEqual(['status']);
    expect(eventRows(parley(), s.dispute.id)).toHaveLength(2);
  });
});
