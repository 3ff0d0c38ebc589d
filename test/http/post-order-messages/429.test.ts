import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectLimitHeaders as limitHeaders, expectTooMany as tooMany, messagesPath, nowSeconds, rawOptions, storedMessages } from './chat-helpers.js';
import type { ApiResponse } from '../../support/api-client.js';

const LIMIT = 3;
const expectLimitHeaders = (res: ApiResponse, remaining: number) => limitHeaders(res, LIMIT, remaining);
const expectTooMany = (res: ApiResponse) => tooMany(res, LIMIT);

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_CHAT: String(LIMIT) });
});
afterAll(() => parley.close());

describe('POST /v2/{kind}-orders/{id}/messages -> 429', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it(`answers {"message": "Too many requests."} with Retry-After once the chat bucket (${LIMIT}) is spent, and stores nothing`, async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 1; i <= LIMIT; i++) {
        const res = await parley.api.post(messagesPath(kind, order.id), { message: `m${i}` }, { token: seller.token });
        expect(res.status).toBe(200);
        expectLimitHeaders(res, LIMIT - i);
      }
      const limited = await parley.api.post(messagesPath(kind, order.id), { message: 'one too many' }, { token: seller.token });
      expectTooMany(limited);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['m1', 'm2', 'm3']);

      // Still limited on the next try: a 429 does not reopen the bucket.
      expectTooMany(await parley.api.post(messagesPath(kind, order.id), { message: 'again' }, { token: seller.token }));
      expect(storedMessages(parley, kind, order.id)).toHaveLength(LIMIT);
    });

    it('sends a Retry-After of at most 60 seconds (the window is one minute)', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 0; i < LIMIT; i++) expect((await parley.api.post(messagesPath(kind, order.id), { message: `m${i}` }, { token: seller.token })).status).toBe(200);
      const limited = await parley.api.post(messagesPath(kind, order.id), { message: 'over' }, { token: seller.token });
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    });

    it('keeps one Reset time for the whole window and Retry-After points at it', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const resets = new Set<string | null>();
      for (let i = 1; i <= LIMIT; i++) {
        const res = await parley.api.post(messagesPath(kind, order.id), { message: `m${i}` }, { token: seller.token });
        expect(res.status).toBe(200);
        resets.add(res.headers.get('x-ratelimit-reset'));
      }
      expect(resets.size).toBe(1);
      const limited = await parley.api.post(messagesPath(kind, order.id), { message: 'over' }, { token: seller.token });
      expectTooMany(limited);
      const reset = Number(limited.headers.get('x-ratelimit-reset'));
      expect(String(reset)).toBe([...resets][0]);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Math.abs(nowSeconds() + retryAfter - reset)).toBeLessThanOrEqual(2);
    });

    it('shares the chat bucket between listing and sending messages', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const list1 = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
      expect(list1.status).toBe(200);
      expectLimitHeaders(list1, 2);
      const list2 = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
      expect(list2.status).toBe(200);
      expectLimitHeaders(list2, 1);
      const send = await parley.api.post(messagesPath(kind, order.id), { message: 'third request' }, { token: seller.token });
      expect(send.status).toBe(200);
      expectLimitHeaders(send, 0);

      expectTooMany(await parley.api.post(messagesPath(kind, order.id), { message: 'fourth' }, { token: seller.token }));
      expectTooMany(await parley.api.get(messagesPath(kind, order.id), { token: seller.token }));
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['third request']);
    });

    it('counts per key: another user, and another key of the same user, still get 200', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 0; i < LIMIT; i++) {
        expect((await parley.api.post(messagesPath(kind, order.id), { message: `s${i}` }, { token: seller.token })).status).toBe(200);
      }
      expectTooMany(await parley.api.post(messagesPath(kind, order.id), { message: 'seller blocked' }, { token: seller.token }));

      const fromBuyer = await parley.api.post(messagesPath(kind, order.id), { message: 'buyer fine' }, { token: buyer.token });
      expect(fromBuyer.status).toBe(200);
      expectLimitHeaders(fromBuyer, LIMIT - 1);

      const second = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'second key' });
      expect(second.status).toBe(201);
      const fromSecondKey = await parley.api.post(messagesPath(kind, order.id), { message: 'second key fine' }, { token: second.body.data.token });
      expect(fromSecondKey.status).toBe(200);
      expectLimitHeaders(fromSecondKey, LIMIT - 1);

      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['s0', 's1', 's2', 'buyer fine', 'second key fine']);
    });

    it('counts every chat request, the ones that fail validation or access checks included', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const stranger = await parley.fixtures.scenario('pending', {}, kind);
      const invalid = await parley.api.post(messagesPath(kind, order.id), { message: '' }, { token: seller.token });
      expect(invalid.status).toBe(422);
      expectLimitHeaders(invalid, 2);
      const forbidden = await parley.api.post(messagesPath(kind, stranger.order.id), { message: 'x' }, { token: seller.token });
      expect(forbidden.status).toBe(403);
      expectLimitHeaders(forbidden, 1);
      const missing = await parley.api.post(messagesPath(kind, 999999), { message: 'x' }, { token: seller.token });
      expect(missing.status).toBe(404);
      expectLimitHeaders(missing, 0);
      expectTooMany(await parley.api.post(messagesPath(kind, order.id), { message: 'valid now' }, { token: seller.token }));
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers 429 before reading the body (malformed, wrong type or invalid bodies)', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 0; i < LIMIT; i++) {
        expect((await parley.api.get(messagesPath(kind, order.id), { token: seller.token })).status).toBe(200);
      }
      expectTooMany(await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, '{"message":', 'application/json')));
      expectTooMany(await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, 'hi', 'text/plain')));
      expectTooMany(await parley.api.post(messagesPath(kind, order.id), { message: '' }, { token: seller.token }));
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('does not count requests that fail authentication', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 0; i < LIMIT + 2; i++) {
        const res = await parley.api.post(messagesPath(kind, order.id), { message: 'x' }, { token: `${seller.token}-wrong` });
        expect(res.status).toBe(401);
      }
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'first real one' }, { token: seller.token });
      expect(res.status).toBe(200);
      expectLimitHeaders(res, LIMIT - 1);
    });
  });
});
