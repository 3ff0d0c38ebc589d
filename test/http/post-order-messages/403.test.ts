import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES, type OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath, storedMessages } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** Non-system rows of a thread: what a failed send must not add. */
const userRows = (kind: OrderKindCase, orderId: number) => storedMessages(parley, kind, orderId).filter((r) => r.type === 'user_message');

describe('POST /v2/{kind}-orders/{id}/messages -> 403', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it("answers {\"message\": \"This action is unauthorized.\"} to another seller's key, and stores nothing", async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      const stranger = await parley.fixtures.user('seller');
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'not my order' }, { token: stranger.token });
      expectError(res, 403, MESSAGES.unauthorized);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it("answers 403 to the buyer of another order (a buyer of the same seller included)", async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const otherBuyer = await parley.fixtures.user('buyer');
      await parley.fixtures.order(seller, otherBuyer, {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'hello?' }, { token: otherBuyer.token });
      expectError(res, 403, MESSAGES.unauthorized);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it("answers 403 when a seller and buyer of one order write into a different pair's order", async () => {
      const mine = await parley.fixtures.scenario('pending', {}, kind);
      const theirs = await parley.fixtures.scenario('in_delivery', {}, kind);
      for (const user of [mine.seller, mine.buyer]) {
        const res = await parley.api.post(messagesPath(kind, theirs.order.id), { message: 'cross' }, { token: user.token });
        expectError(res, 403, MESSAGES.unauthorized);
      }
      for (const user of [theirs.seller, theirs.buyer]) {
        const res = await parley.api.post(messagesPath(kind, mine.order.id), { message: 'cross' }, { token: user.token });
        expectError(res, 403, MESSAGES.unauthorized);
      }
      expect(storedMessages(parley, kind, mine.order.id)).toEqual([]);
      expect(userRows(kind, theirs.order.id)).toEqual([]);
    });

    it.each(['delivered', 'refunded'] as const)('answers the processing 403 to the seller and the buyer of a %s order, and stores nothing', async (status) => {
      const { seller, buyer, order } = await parley.fixtures.scenario(status, {}, kind);
      for (const user of [seller, buyer]) {
        const res = await parley.api.post(messagesPath(kind, order.id), { message: 'still there?' }, { token: user.token });
        expectError(res, 403, MESSAGES.notProcessing);
      }
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers the processing 403 to the admin token too', async () => {
      const { order } = await parley.fixtures.scenario('refunded', {}, kind);
      expectError(await parley.admin.post(messagesPath(kind, order.id), { message: 'staff' }), 403, MESSAGES.notProcessing);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('closes the chat as soon as the order is delivered or refunded', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('in_delivery', {}, kind);
      expect((await parley.api.post(messagesPath(kind, order.id), { message: 'open' }, { token: seller.token })).status).toBe(200);

      expect((await parley.admin.patch(`${kind.adminPath}/${order.id}`, { status: 'delivered' })).status).toBe(200);
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: 'after delivery' }, { token: buyer.token }), 403, MESSAGES.notProcessing);

      expect((await parley.admin.patch(`${kind.adminPath}/${order.id}`, { status: 'refunded' })).status).toBe(200);
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: 'after refund' }, { token: seller.token }), 403, MESSAGES.notProcessing);

      expect(userRows(kind, order.id).map((r) => r.text)).toEqual(['open']);
    });

    it.each([
      ['no message field', {}],
      ['an empty message', { message: '' }],
      ['a non-string message', { message: 42 }],
      ['a message over 10000 characters', { message: 'x'.repeat(10001) }],
    ])('answers the processing 403 before validation: %s to a delivered order', async (_label, body) => {
      const { seller, order } = await parley.fixtures.scenario('delivered', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), body, { token: seller.token });
      expectError(res, 403, MESSAGES.notProcessing);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it("answers \"This action is unauthorized.\" (not validation) to an invalid body on someone else's order", async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      const stranger = await parley.fixtures.user('seller');
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: '   ' }, { token: stranger.token }), 403, MESSAGES.unauthorized);
      expectError(await parley.api.post(messagesPath(kind, order.id), {}, { token: stranger.token }), 403, MESSAGES.unauthorized);
    });

    it("answers \"This action is unauthorized.\" (not the processing message) on someone else's closed order", async () => {
      const { order } = await parley.fixtures.scenario('delivered', {}, kind);
      const stranger = await parley.fixtures.user('buyer');
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: 'hi' }, { token: stranger.token }), 403, MESSAGES.unauthorized);
    });

    it('a rejected send leaves the thread usable by its participants', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const stranger = await parley.fixtures.user('seller');
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: 'intruder' }, { token: stranger.token }), 403, MESSAGES.unauthorized);
      expect((await parley.api.post(messagesPath(kind, order.id), { message: 'owner' }, { token: seller.token })).status).toBe(200);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['owner']);
    });
  });
});
