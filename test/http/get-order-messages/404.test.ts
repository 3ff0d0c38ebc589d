import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath } from '../post-order-messages/chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/{kind}-orders/{id}/messages -> 404', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it('answers {"message": "Resource not found."} for an unknown numeric id', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (const id of [order.id + 1000, 999999, '99999999999999999999']) {
        expectError(await parley.api.get(messagesPath(kind, id), { token: seller.token }), 404, MESSAGES.notFound);
      }
    });

    it.each(['abc', '1.5', '-1', '0', '1e3', '1abc'])('answers 404 for the non-numeric id %s', async (id) => {
      const { seller } = await parley.fixtures.scenario('pending', {}, kind);
      expectError(await parley.api.get(messagesPath(kind, id), { token: seller.token }), 404, MESSAGES.notFound);
    });

    it('answers 404, not 403, for an unknown order whatever the key (admin token included)', async () => {
      const stranger = await parley.fixtures.user('buyer');
      expectError(await parley.api.get(messagesPath(kind, 888888), { token: stranger.token }), 404, MESSAGES.notFound);
      expectError(await parley.admin.get(messagesPath(kind, 888888)), 404, MESSAGES.notFound);
    });

    const collection = kind.path.slice('/v2'.length); // e.g. /account-orders
    it.each(['/v2/nope', `${kind.path}/{id}/messages/extra`, `${kind.path}/{id}/message`, `/v1${collection}/{id}/messages`])(
      'answers 404 for the unknown route %s ({id}: an existing order of this kind), with or without a key',
      async (template) => {
        const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
        const path = template.replace('{id}', String(order.id));
        expectError(await parley.api.get(path, { token: seller.token }), 404, MESSAGES.notFound);
        expectError(await parley.api.get(path, { token: null }), 404, MESSAGES.notFound);
      },
    );

    // Ids are shared by all kinds (one orders table), so the id of this kind's order is no order of another kind.
    it.each(ORDER_KIND_CASES.filter((other) => other.kind !== kind.kind).map((other) => [other.path, other] as const))(
      `answers 404 at %s/{id}/messages for the id of a ${kind.kind}-kind order, to its seller, its buyer and the admin token, without leaking the thread`,
      async (_path, other) => {
        const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
        const sent = await parley.api.post(messagesPath(kind, order.id), { message: 'secret credentials' }, { token: seller.token });
        expect(sent.status).toBe(200);
        for (const client of [parley.api.withToken(seller.token), parley.api.withToken(buyer.token), parley.admin]) {
          const res = await client.get(messagesPath(other, order.id));
          expectError(res, 404, MESSAGES.notFound);
          expect(res.text).not.toContain('secret credentials');
        }
        // The thread is still there under its own kind.
        const own = await parley.api.get(messagesPath(kind, order.id), { token: buyer.token });
        expect(own.status).toBe(200);
        expect(own.body).toEqual({ data: [sent.body.data], message: null });
      },
    );
  });
});
