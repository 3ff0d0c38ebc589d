import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath, nowSeconds } from '../post-order-messages/chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/{kind}-orders/{id}/messages -> 401', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it('answers {"message": "Unauthenticated."} without an Authorization header', async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      expectError(await parley.api.get(messagesPath(kind, order.id), { token: null }), 401, MESSAGES.unauthenticated);
    });

    it.each([
      ['Basic scheme', (token: string) => `Basic ${Buffer.from(`user:${token}`).toString('base64')}`],
      ['Bearer without a token', () => 'Bearer'],
      ['the token without a scheme', (token: string) => token],
    ])('answers 401 for an Authorization header with %s', async (_label, header) => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.get(messagesPath(kind, order.id), { token: null, headers: { authorization: header(seller.token) } });
      expectError(res, 401, MESSAGES.unauthenticated);
    });

    it('answers 401 for an unknown token', async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      expectError(await parley.api.get(messagesPath(kind, order.id), { token: 'pk_unknown' }), 401, MESSAGES.unauthenticated);
    });

    it('answers 401 at once after the key is revoked', async () => {
      const { buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      expect((await parley.api.get(messagesPath(kind, order.id), { token: buyer.token })).status).toBe(200);
      expect((await parley.admin.delete(`/admin/v1/api-keys/${buyer.keyId}`)).status).toBe(204);
      expectError(await parley.api.get(messagesPath(kind, order.id), { token: buyer.token }), 401, MESSAGES.unauthenticated);
    });

    it('answers 401 once the key has expired (it worked before)', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const expiresAt = nowSeconds() + 2;
      const created = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'short-lived', expires_at: expiresAt });
      expect(created.status).toBe(201);
      const token: string = created.body.data.token;
      expect((await parley.api.get(messagesPath(kind, order.id), { token })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt * 1000 - Date.now()) + 150));
      expectError(await parley.api.get(messagesPath(kind, order.id), { token }), 401, MESSAGES.unauthenticated);
    });

    it('checks the key before the order: unknown and non-numeric ids answer 401 without a key', async () => {
      expectError(await parley.api.get(messagesPath(kind, 999999), { token: null }), 401, MESSAGES.unauthenticated);
      expectError(await parley.api.get(messagesPath(kind, 'abc'), { token: 'nope' }), 401, MESSAGES.unauthenticated);
    });
  });
});
