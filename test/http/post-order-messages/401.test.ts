import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath, nowSeconds, rawOptions, storedMessages } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/{kind}-orders/{id}/messages -> 401', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it('answers {"message": "Unauthenticated."} without an Authorization header, and stores nothing', async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'hi' }, { token: null });
      expectError(res, 401, MESSAGES.unauthenticated);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it.each([
      ['Basic scheme', (token: string) => `Basic ${Buffer.from(`user:${token}`).toString('base64')}`],
      ['Basic with a raw token', (token: string) => `Basic ${token}`],
      ['Bearer without a token', () => 'Bearer'],
      ['Bearer followed only by spaces', () => 'Bearer    '],
      ['the token without a scheme', (token: string) => token],
      ['Token scheme', (token: string) => `Token ${token}`],
      ['two tokens', (token: string) => `Bearer ${token} ${token}`],
    ])('answers 401 for an Authorization header with %s, and stores nothing', async (_label, header) => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'hi' }, { token: null, headers: { authorization: header(seller.token) } });
      expectError(res, 401, MESSAGES.unauthenticated);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it.each([
      ['a made-up token', 'pk_not-a-real-token'],
      ['an empty-looking token', '""'],
      ['an almost-right admin token', 'test-admin-00000000000000000000000000000000'],
    ])('answers 401 for %s', async (_label, token) => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'hi' }, { token });
      expectError(res, 401, MESSAGES.unauthenticated);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers 401 for a real token with one character changed', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const last = seller.token.slice(-1);
      const tampered = seller.token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'hi' }, { token: tampered });
      expectError(res, 401, MESSAGES.unauthenticated);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers 401 at once after the key is revoked, and stores nothing', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const before = await parley.api.post(messagesPath(kind, order.id), { message: 'before revoke' }, { token: seller.token });
      expect(before.status).toBe(200);

      const revoke = await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`);
      expect(revoke.status).toBe(204);

      const after = await parley.api.post(messagesPath(kind, order.id), { message: 'after revoke' }, { token: seller.token });
      expectError(after, 401, MESSAGES.unauthenticated);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['before revoke']);
    });

    it("revoking one key leaves the user's other keys working", async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const other = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'second' });
      expect(other.status).toBe(201);
      expect((await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`)).status).toBe(204);
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: 'old key' }, { token: seller.token }), 401, MESSAGES.unauthenticated);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'new key' }, { token: other.body.data.token });
      expect(res.status).toBe(200);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['new key']);
    });

    it('answers 401 once the key has expired (it worked before), and stores nothing', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const expiresAt = nowSeconds() + 2;
      const created = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'short-lived', expires_at: expiresAt });
      expect(created.status).toBe(201);
      expect(created.body.data.expires_at).toBe(expiresAt);
      const token: string = created.body.data.token;

      const first = await parley.api.post(messagesPath(kind, order.id), { message: 'while valid' }, { token });
      expect(first.status).toBe(200);

      // Wait until the expiry second has begun (at most ~2 s), plus a small margin.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt * 1000 - Date.now()) + 150));

      const late = await parley.api.post(messagesPath(kind, order.id), { message: 'too late' }, { token });
      expectError(late, 401, MESSAGES.unauthenticated);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['while valid']);
    });

    it('checks the key before the body: malformed JSON, an oversized body or a bad content type without a key is 401', async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      expectError(await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(null, '{"message":', 'application/json')), 401, MESSAGES.unauthenticated);
      expectError(await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(null, 'hi', 'text/plain')), 401, MESSAGES.unauthenticated);
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: 'x'.repeat(1024 * 1024 + 1) }, { token: null }), 401, MESSAGES.unauthenticated);
      expectError(await parley.api.post(messagesPath(kind, order.id), {}, { token: null }), 401, MESSAGES.unauthenticated);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('checks the key before the order: unknown and closed orders answer 401 without a key', async () => {
      const { order } = await parley.fixtures.scenario('delivered', {}, kind);
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: 'hi' }, { token: 'nope' }), 401, MESSAGES.unauthenticated);
      expectError(await parley.api.post(messagesPath(kind, 999999), { message: 'hi' }, { token: null }), 401, MESSAGES.unauthenticated);
    });
  });
});
