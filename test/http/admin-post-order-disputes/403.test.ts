import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES } from '../post-order-complete/helpers.js';
import { adminActionPath, adminOpenPath, disputeScenario, OPEN_BODY } from '../dispute-support/helpers.js';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { disputeSnapshot } from '../dispute-support/seller-action-suites.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/... disputes -> 403', () => {
  it("refuses the order's own buyer and seller keys: the sandbox side is for admin keys only", async () => {
    const s = await disputeScenario(parley);
    const other = await parley.fixtures.scenario('delivered');
    const before = disputeSnapshot(parley, s);
    for (const user of [s.buyer, s.seller]) {
      expectError(await parley.api.post(adminOpenPath(ACCOUNT_ORDERS, other.order.id), OPEN_BODY, { token: user.token }), 403, MESSAGES.unauthorized);
      expectError(await parley.api.post(adminActionPath(s.dispute.id, 'buyer-reply'), { message: 'hi' }, { token: user.token }), 403, MESSAGES.unauthorized);
      expectError(await parley.api.post(adminActionPath(s.dispute.id, 'resolve'), { outcome: 'refund' }, { token: user.token }), 403, MESSAGES.unauthorized);
    }
    expect(disputeSnapshot(parley, s)).toEqual(before);
    expect(parley.readDb((db) => db.prepare('select count(*) as n from dispute_cases where order_id = ?').get(other.order.id))).toEqual({ n: 0 });
  });
});
