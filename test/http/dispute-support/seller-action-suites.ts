import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, expectValidationError, MESSAGES } from '../post-order-complete/helpers.js';
import { actionPath, adminActionPath, caseRow, disputeScenario, eventRows, type DisputeScenario } from './helpers.js';

/**
 * The refusals every seller action shares (401, 403, 404 and the status 422s), one suite per
 * status file: each refusal leaves the case, its timeline and the order's chat as they were.
 */
export type SellerAction = 'accept' | 'counter' | 'escalate';

export const VALID_BODY: Record<SellerAction, Record<string, unknown>> = {
  accept: { message: 'You are right.' },
  counter: { message: 'Delivered as described.', counter_resolution: 'other' },
  escalate: { message: 'Buyer refuses to communicate.' },
};

/** A server for the enclosing file, started before its tests. */
export function useParley(): () => TestParley {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley();
  });
  afterAll(() => parley.close());
  return () => parley;
}

/** Everything a refused request must leave as it was. */
export function disputeSnapshot(parley: TestParley, s: DisputeScenario) {
  return {
    row: caseRow(parley, s.dispute.id),
    events: eventRows(parley, s.dispute.id),
    order: parley.readDb((db) => db.prepare('select * from orders where id = ?').get(s.order.id)),
    messages: parley.readDb((db) => (db.prepare('select count(*) as n from messages').get() as { n: number }).n),
  };
}

export function unauthenticatedSuite(action: SellerAction): void {
  const parley = useParley();
  describe(`POST /v2/order-disputes/{id}/${action} -> 401`, () => {
    it('answers "Unauthenticated." without a key or with a bad one, and changes nothing', async () => {
      const s = await disputeScenario(parley());
      const before = disputeSnapshot(parley(), s);
      expectError(await parley().api.post(actionPath(s.dispute.id, action), VALID_BODY[action]), 401, MESSAGES.unauthenticated);
      expectError(await parley().api.post(actionPath(s.dispute.id, action), VALID_BODY[action], { token: 'bad' }), 401, MESSAGES.unauthenticated);
      expect(disputeSnapshot(parley(), s)).toEqual(before);
    });
  });
}

export function forbiddenSuite(action: SellerAction): void {
  const parley = useParley();
  describe(`POST /v2/order-disputes/{id}/${action} -> 403`, () => {
    it('answers "This action is unauthorized." to the buyer (seller-only), before the body is checked, and changes nothing', async () => {
      const s = await disputeScenario(parley());
      const before = disputeSnapshot(parley(), s);
      for (const body of [VALID_BODY[action], { message: 'x'.repeat(1201), counter_resolution: 'nope' }]) {
        expectError(await parley().api.post(actionPath(s.dispute.id, action), body, { token: s.buyer.token }), 403, MESSAGES.unauthorized);
      }
      expect(disputeSnapshot(parley(), s)).toEqual(before);
    });

    it('answers 403 to the buyer of a closed case too (who the caller is comes before the status)', async () => {
      const s = await disputeScenario(parley());
      expect((await parley().admin.post(adminActionPath(s.dispute.id, 'resolve'), { outcome: 'rejected' })).status).toBe(200);
      expectError(await parley().api.post(actionPath(s.dispute.id, action), VALID_BODY[action], { token: s.buyer.token }), 403, MESSAGES.unauthorized);
    });
  });
}

export function notFoundSuite(action: SellerAction): void {
  const parley = useParley();
  describe(`POST /v2/order-disputes/{id}/${action} -> 404`, () => {
    it('answers 404 for no such case and for ids that are not ids', async () => {
      const s = await disputeScenario(parley());
      for (const id of [String(s.dispute.id + 1000), '0', 'x1', '99999999999999999999']) {
        expectError(await parley().api.post(actionPath(id, action), VALID_BODY[action], { token: s.seller.token }), 404, MESSAGES.notFound);
      }
    });

    it("answers 404 to another seller and to a buyer of another order, and changes nothing", async () => {
      const s = await disputeScenario(parley());
      const otherSeller = await parley().fixtures.user('seller');
      const otherBuyer = await parley().fixtures.user('buyer');
      const before = disputeSnapshot(parley(), s);
      for (const user of [otherSeller, otherBuyer]) {
        expectError(await parley().api.post(actionPath(s.dispute.id, action), VALID_BODY[action], { token: user.token }), 404, MESSAGES.notFound);
      }
      expect(disputeSnapshot(parley(), s)).toEqual(before);
    });
  });
}

/** Moves a fresh case into `state` through the API. */
export async function caseIn(parley: TestParley, state: 'under_review' | 'closed' | 'waiting_for_buyer', body: Record<string, unknown> = {}): Promise<DisputeScenario> {
  const s = await disputeScenario(parley, { body });
  const step = state === 'closed'
    ? await parley.admin.post(adminActionPath(s.dispute.id, 'resolve'), { outcome: 'replacement' })
    : state === 'under_review'
      ? await parley.api.post(actionPath(s.dispute.id, 'escalate'), { message: 'Please review.' }, { token: s.seller.token })
      : await parley.api.post(actionPath(s.dispute.id, 'counter'), { message: 'Try this.', counter_resolution: 'replacement' }, { token: s.seller.token });
  expect(step.status, step.text).toBe(200);
  return { ...s, dispute: step.body.data };
}

export const STATE_MESSAGES = {
  closed: 'The dispute is closed.',
  under_review: 'The dispute is under review by GameBoost.',
  waiting_for_buyer: 'The dispute is waiting for the buyer.',
  waiting_for_seller: 'The dispute is waiting for the seller.',
} as const;

/** The 422 for each status the action does not allow (the body is valid). */
export function stateSuite(action: SellerAction, refused: Array<'under_review' | 'closed' | 'waiting_for_buyer'>): () => TestParley {
  const parley = useParley();
  describe(`POST /v2/order-disputes/{id}/${action} -> 422 (status)`, () => {
    it.each(refused)('refuses a case that is %s, naming status, and changes nothing', async (state) => {
      const s = await caseIn(parley(), state);
      const before = disputeSnapshot(parley(), s);
      expectValidationError(await parley().api.post(actionPath(s.dispute.id, action), VALID_BODY[action], { token: s.seller.token }), { status: [STATE_MESSAGES[state]] });
      expect(disputeSnapshot(parley(), s)).toEqual(before);
    });
  });
  return parley;
}
