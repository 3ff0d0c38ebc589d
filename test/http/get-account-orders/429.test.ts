import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, listPath } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_READS: '3' });
});
afterAll(() => parley.close());

const TOO_MANY = 'Too many requests.';

function expectLimitHeaders(res: ApiResponse, remaining: number): void {
  expect(res.headers.get('x-ratelimit-limit')).toBe('3');
  expect(res.headers.get('x-ratelimit-remaining')).toBe(String(remaining));
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  const now = Date.now() / 1000;
  expect(Number.isInteger(reset)).toBe(true);
  expect(reset).toBeGreaterThan(now);
  expect(reset).toBeLessThanOrEqual(Math.ceil(now) + 61);
}

describe('GET /v2/account-orders -> 429', () => {
  it('answers 429 with Retry-After and the limit headers once the reads bucket is spent', async () => {
    const { seller } = await parley.fixtures.scenario('pending');
    for (const remaining of [2, 1, 0]) {
      const ok = await parley.api.get(listPath(), { token: seller.token });
      expect(ok.status).toBe(200);
      expectLimitHeaders(ok, remaining);
    }
    const res = await parley.api.get(listPath(), { token: seller.token });
    expectErrorBody(res, 429, TOO_MANY);
    expectLimitHeaders(res, 0);
    const retryAfter = res.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const untilReset = Number(res.headers.get('x-ratelimit-reset')) - Date.now() / 1000;
    expect(Math.abs(Number(retryAfter) - untilReset)).toBeLessThanOrEqual(2);

    // Still limited: a rejected request does not open a new window.
    expectErrorBody(await parley.api.get(listPath(), { token: seller.token }), 429, TOO_MANY);
  });

  it('never asks to wait longer than the one-minute window', async () => {
    // Checked on several fresh windows: a rounding error shows on most of them.
    const waits: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { seller } = await parley.fixtures.scenario('pending');
      const token = seller.token;
      for (let i = 0; i < 3; i++) expect((await parley.api.get(listPath(), { token })).status).toBe(200);
      const res = await parley.api.get(listPath(), { token });
      expect(res.status).toBe(429);
      waits.push(Number(res.headers.get('retry-after')));
    }
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
    }
  });

  it('counts per key: another key, even of the same user, has its own bucket', async () => {
    const { seller, buyer } = await parley.fixtures.scenario('pending');
    const second = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'second' });
    expect(second.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await parley.api.get(listPath(), { token: seller.token })).status).toBe(200);
    expectErrorBody(await parley.api.get(listPath(), { token: seller.token }), 429, TOO_MANY);

    const other = await parley.api.get(listPath(), { token: second.body.data.token });
    expect(other.status).toBe(200);
    expectLimitHeaders(other, 2);
    expect((await parley.api.get(listPath(), { token: buyer.token })).status).toBe(200);
  });

  it('answers 429 before validating the query', async () => {
    const { seller } = await parley.fixtures.scenario('pending');
    for (let i = 0; i < 3; i++) expect((await parley.api.get(listPath(), { token: seller.token })).status).toBe(200);
    const res = await parley.api.get(listPath('per_page=0&filter[status]=nope'), { token: seller.token });
    expectErrorBody(res, 429, TOO_MANY);
  });

  it('counts invalid requests that reached the limiter', async () => {
    const { seller } = await parley.fixtures.scenario('pending');
    for (let i = 0; i < 3; i++) expect((await parley.api.get(listPath('sort=bogus'), { token: seller.token })).status).toBe(422);
    expectErrorBody(await parley.api.get(listPath(), { token: seller.token }), 429, TOO_MANY);
  });

  it('shares the reads bucket with GET /v2/account-orders/{id}', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    for (let i = 0; i < 3; i++) expect((await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token })).status).toBe(200);
    expectErrorBody(await parley.api.get(listPath(), { token: seller.token }), 429, TOO_MANY);
  });

  it('answers 401, not 429, to unknown keys however often they try', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await parley.api.get(listPath(), { token: 'pk_nobody' });
      expectErrorBody(res, 401, 'Unauthenticated.');
      expect(res.headers.get('retry-after')).toBeNull();
    }
  });
});
