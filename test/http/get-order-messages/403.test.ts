import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath } from '../post-order-messages/chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/{kind}-orders/{id}/messages -> 403', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it("answers {\"message\": \"This action is unauthorized.\"} to another seller's key, without leaking the thread", async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      expect((await parley.api.post(messagesPath(kind, order.id), { message: 'secret credentials' }, { token: seller.token })).status).toBe(200);
      const stranger = await parley.fixtures.user('seller');
      const res = await parley.api.get(messagesPath(kind, order.id), { token: stranger.token });
      expectError(res, 403, MESSAGES.unauthorized);
      expect(res.text).not.toContain('secret credentials');
    });

    it("answers 403 to a buyer who is not this order's buyer (same seller, other order)", async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const otherBuyer = await parley.fixtures.user('buyer');
      await parley.fixtures.order(seller, otherBuyer, {}, kind);
      expectError(await parley.api.get(messagesPath(kind, order.id), { token: otherBuyer.token }), 403, MESSAGES.unauthorized);
    });

    it("answers 403 across pairs: neither party of one order reads the other's thread", async () => {
      const mine = await parley.fixtures.scenario('pending', {}, kind);
      const theirs = await parley.fixtures.scenario('in_delivery', {}, kind);
      for (const user of [mine.seller, mine.buyer]) {
        expectError(await parley.api.get(messagesPath(kind, theirs.order.id), { token: user.token }), 403, MESSAGES.unauthorized);
      }
      for (const user of [theirs.seller, theirs.buyer]) {
        expectError(await parley.api.get(messagesPath(kind, mine.order.id), { token: user.token }), 403, MESSAGES.unauthorized);
      }
    });

    it.each(['delivered', 'refunded'] as const)("answers \"This action is unauthorized.\" (not the processing message) for someone else's %s order", async (status) => {
      const { order } = await parley.fixtures.scenario(status, {}, kind);
      const stranger = await parley.fixtures.user('seller');
      expectError(await parley.api.get(messagesPath(kind, order.id), { token: stranger.token }), 403, MESSAGES.unauthorized);
    });
  });
});
