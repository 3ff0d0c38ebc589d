import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES } from '../post-order-complete/helpers.js';
import { disputePath, disputeScenario } from '../dispute-support/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/order-disputes/{id} -> 404', () => {
  it('answers 404 for a case that does not exist and for ids that are not ids', async () => {
    const s = await disputeScenario(parley);
    for (const id of [String(s.dispute.id + 1000), '0', 'abc', '1.5', '-1', '99999999999999999999']) {
      expectError(await parley.api.get(disputePath(id), { token: s.seller.token }), 404, MESSAGES.notFound);
    }
  });

  it("answers 404 (as GameBoost does) for a case of someone else's order: another seller, another buyer", async () => {
    const s = await disputeScenario(parley);
    const otherSeller = await parley.fixtures.user('seller');
    const otherBuyer = await parley.fixtures.user('buyer');
    // A buyer of the same seller, on another order, is no party either.
    await parley.fixtures.order(s.seller, otherBuyer);
    for (const user of [otherSeller, otherBuyer]) {
      expectError(await parley.api.get(disputePath(s.dispute.id), { token: user.token }), 404, MESSAGES.notFound);
    }
    expect((await parley.api.get(disputePath(s.dispute.id), { token: s.buyer.token })).status).toBe(200);
  });
});
