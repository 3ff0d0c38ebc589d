import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import {
  expectLimitHeaders as limitHeaders,
  expectTooMany as tooMany,
  messagesPath,
  storedMessages,
} from '../post-order-messages/chat-helpers.js';
import type { ApiResponse } from '../../support/api-client.js';

const LIMIT = 3;
const expectLimitHeaders = (res: ApiResponse, remaining: number) => limitHeaders(res, LIMIT, remaining);
const expectTooMany = (res: ApiResponse) => tooMany(res, LIMIT);

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_CHAT: String(LIMIT) });
});
afterAll(() => parley.close());

describe('GET /v2/{kind}-orders/{id}/messages -> 429', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it(`answers {"message": "Too many requests."} with Retry-After once the chat bucket (${LIMIT}) is spent`, async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 1; i <= LIMIT; i++) {
        const res = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ data: [], message: null });
        expectLimitHeaders(res, LIMIT - i);
      }
      expectTooMany(await parley.api.get(messagesPath(kind, order.id), { token: seller.token }));
      expectTooMany(await parley.api.get(messagesPath(kind, order.id), { token: seller.token }));
    });

    it('sends a Retry-After of at most 60 seconds (the window is one minute)', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 0; i < LIMIT; i++) expect((await parley.api.get(messagesPath(kind, order.id), { token: seller.token })).status).toBe(200);
      const limited = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    });

    it('shares the bucket with sending: a spent bucket blocks both, and the blocked send stores nothing', async () => {
      const { buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const send = await parley.api.post(messagesPath(kind, order.id), { message: 'first' }, { token: buyer.token });
      expect(send.status).toBe(200);
      expectLimitHeaders(send, 2);
      for (const remaining of [1, 0]) {
        const res = await parley.api.get(messagesPath(kind, order.id), { token: buyer.token });
        expect(res.status).toBe(200);
        expectLimitHeaders(res, remaining);
      }
      expectTooMany(await parley.api.get(messagesPath(kind, order.id), { token: buyer.token }));
      expectTooMany(await parley.api.post(messagesPath(kind, order.id), { message: 'blocked' }, { token: buyer.token }));
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['first']);
    });

    it('counts per key: the other party of the order still reads', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 0; i < LIMIT; i++) expect((await parley.api.get(messagesPath(kind, order.id), { token: seller.token })).status).toBe(200);
      expectTooMany(await parley.api.get(messagesPath(kind, order.id), { token: seller.token }));
      const res = await parley.api.get(messagesPath(kind, order.id), { token: buyer.token });
      expect(res.status).toBe(200);
      expectLimitHeaders(res, LIMIT - 1);
    });

    it('leaves other GET routes to their own buckets (the chat bucket only covers messages)', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 0; i < LIMIT; i++) expect((await parley.api.get(messagesPath(kind, order.id), { token: seller.token })).status).toBe(200);
      expectTooMany(await parley.api.get(messagesPath(kind, order.id), { token: seller.token }));
      const detail = await parley.api.get(`${kind.path}/${order.id}`, { token: seller.token });
      expect(detail.status).toBe(200);
      expect(detail.body.data.id).toBe(order.id);
    });
  });
});
