import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath, storedMessages, storedMessagesAnyKind, totalMessages } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/{kind}-orders/{id}/messages -> 404', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it('answers {"message": "Resource not found."} for an unknown numeric id, and stores nothing', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const before = totalMessages(parley);
      for (const id of [order.id + 1000, 999999, 9007199254740991, '99999999999999999999']) {
        const res = await parley.api.post(messagesPath(kind, id), { message: 'hi' }, { token: seller.token });
        expectError(res, 404, MESSAGES.notFound);
      }
      expect(totalMessages(parley)).toBe(before);
    });

    it.each(['abc', '1.5', '-1', '0', '1e3', '0x1', '%20', '1abc'])('answers 404 for the non-numeric id %s', async (id) => {
      const { seller } = await parley.fixtures.scenario('pending', {}, kind);
      const before = totalMessages(parley);
      const res = await parley.api.post(messagesPath(kind, id), { message: 'hi' }, { token: seller.token });
      expectError(res, 404, MESSAGES.notFound);
      expect(totalMessages(parley)).toBe(before);
    });

    it('answers 404 to the admin token for an unknown order as well', async () => {
      expectError(await parley.admin.post(messagesPath(kind, 123456), { message: 'hi' }), 404, MESSAGES.notFound);
    });

    const collection = kind.path.slice('/v2'.length); // e.g. /account-orders
    it.each(['/v2/nope', `${kind.path}/{id}/messages/extra`, `${kind.path}/{id}/message`, `/v1${collection}/{id}/messages`, `${collection}/{id}/messages`])(
      'answers 404 for the unknown route %s ({id}: an existing order of this kind), with or without a key',
      async (template) => {
        const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
        const path = template.replace('{id}', String(order.id));
        expectError(await parley.api.post(path, { message: 'hi' }, { token: seller.token }), 404, MESSAGES.notFound);
        expectError(await parley.api.post(path, { message: 'hi' }, { token: null }), 404, MESSAGES.notFound);
        expect(storedMessagesAnyKind(parley, order.id)).toEqual([]);
      },
    );

    // Ids are shared by all kinds (one orders table), so the id of this kind's order is no order of another kind.
    it.each(ORDER_KIND_CASES.filter((other) => other.kind !== kind.kind).map((other) => [other.path, other] as const))(
      `answers 404 at %s/{id}/messages for the id of a ${kind.kind}-kind order, to its seller, its buyer and the admin token, and stores nothing`,
      async (_path, other) => {
        const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
        const own = await parley.api.post(messagesPath(kind, order.id), { message: `on the ${kind.kind} order` }, { token: seller.token });
        expect(own.status).toBe(200);
        for (const client of [parley.api.withToken(seller.token), parley.api.withToken(buyer.token), parley.admin]) {
          expectError(await client.post(messagesPath(other, order.id), { message: 'wrong kind' }), 404, MESSAGES.notFound);
        }
        expect(storedMessages(parley, other, order.id)).toEqual([]);
        expect(storedMessagesAnyKind(parley, order.id)).toEqual(storedMessages(parley, kind, order.id));
        expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual([`on the ${kind.kind} order`]);
      },
    );

    it('answers 404, not 403, for an unknown order whatever the key', async () => {
      const stranger = await parley.fixtures.user('buyer');
      expectError(await parley.api.post(messagesPath(kind, 888888), { message: 'hi' }, { token: stranger.token }), 404, MESSAGES.notFound);
    });

    it.each([
      ['no message field', {}],
      ['a null message', { message: null }],
      ['a blank message', { message: '   ' }],
      ['a non-string message', { message: ['a'] }],
      ['a message over 10000 characters', { message: 'x'.repeat(10001) }],
    ])('answers 404, not 422, for %s to an unknown order', async (_label, body) => {
      const { seller } = await parley.fixtures.scenario('pending', {}, kind);
      expectError(await parley.api.post(messagesPath(kind, 777777), body, { token: seller.token }), 404, MESSAGES.notFound);
      expectError(await parley.api.post(messagesPath(kind, 'abc'), body, { token: seller.token }), 404, MESSAGES.notFound);
    });
  });
});
