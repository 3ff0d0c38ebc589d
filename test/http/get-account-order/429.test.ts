import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody } from '../get-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_READS: '3' });
});
afterAll(() => parley.close());

const TOO_MANY = 'Too many requests.';
const path = (id: number | string) => `/v2/account-orders/${id}`;

function expectLimitHeaders(res: ApiResponse, remaining: number): void {
  expect(res.headers.get('x-ratelimit-limit')).toBe('3');
  expect(res.headers.get('x-ratelimit-remaining')).toBe(String(remaining));
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  expect(Number.isInteger(reset)).toBe(true);
  expect(reset).toBeGreaterThan(Date.now() / 1000);
  expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 61);
}

describe('GET /v2/account-orders/{accountOrder} -> 429', () => {
  it('answers 429 with Retry-After and the limit headers once the reads bucket is spent', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    for (const remaining of [2, 1, 0]) {
      const ok = await parley.api.get(path(order.id), { token: seller.token });
      expect(ok.status).toBe(200);
      expectLimitHeaders(ok, remaining);
    }
    const res = await parley.api.get(path(order.id), { token: seller.token });
    expectErrorBody(res, 429, TOO_MANY);
    expectLimitHeaders(res, 0);
    const retryAfter = res.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('never asks to wait longer than the one-minute window', async () => {
    // Checked on several fresh windows: a rounding error shows on most of them.
    const waits: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { seller, order } = await parley.fixtures.scenario('pending');
      const token = seller.token;
      for (let i = 0; i < 3; i++) expect((await parley.api.get(path(order.id), { token })).status).toBe(200);
      const res = await parley.api.get(path(order.id), { token });
      expect(res.status).toBe(429);
      waits.push(Number(res.headers.get('retry-after')));
    }
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
    }
  });

  it('answers 429 before looking at the order: unknown, non-numeric and foreign ids alike', async () => {
    const { seller } = await parley.fixtures.scenario('pending');
    const foreign = await parley.fixtures.scenario('pending');
    for (let i = 0; i < 3; i++) expect((await parley.api.get('/v2/account-orders', { token: seller.token })).status).toBe(200);
    for (const id of [String(foreign.order.id), '999999', 'abc']) {
      expectErrorBody(await parley.api.get(path(id), { token: seller.token }), 429, TOO_MANY);
    }
  });

  it('counts 403 and 404 answers against the bucket', async () => {
    const { buyer } = await parley.fixtures.scenario('pending');
    const foreign = await parley.fixtures.scenario('pending');
    expect((await parley.api.get(path(foreign.order.id), { token: buyer.token })).status).toBe(403);
    expect((await parley.api.get(path(999999), { token: buyer.token })).status).toBe(404);
    expect((await parley.api.get(path('abc'), { token: buyer.token })).status).toBe(404);
    expectErrorBody(await parley.api.get(path(foreign.order.id), { token: buyer.token }), 429, TOO_MANY);
  });

  it("limits one key without touching the other party's key", async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    for (let i = 0; i < 3; i++) expect((await parley.api.get(path(order.id), { token: buyer.token })).status).toBe(200);
    expectErrorBody(await parley.api.get(path(order.id), { token: buyer.token }), 429, TOO_MANY);
    const res = await parley.api.get(path(order.id), { token: seller.token });
    expect(res.status).toBe(200);
    expectLimitHeaders(res, 2);
  });

  it('answers 401, not 429, without a valid key', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    for (let i = 0; i < 5; i++) {
      expectErrorBody(await parley.api.get(path(order.id), { token: 'pk_nobody' }), 401, 'Unauthenticated.');
    }
  });
});
