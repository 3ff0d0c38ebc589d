import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, expectValidationError, idsOf, listPath } from './helpers.js';

let parley: TestParley;
let seller: TestUser;
let orderId: number;
beforeAll(async () => {
  parley = await startTestParley();
  const scenario = await parley.fixtures.scenario('pending', { title: 'Caf\u00e9 \uFFFD account' });
  seller = scenario.seller;
  orderId = scenario.order.id;
});
afterAll(() => parley.close());

const notUtf8 = (name: string) => ({ [`filter.${name}`]: [`The filter.${name} field must be valid UTF-8.`] });
const get = (query: string) => parley.api.get(listPath(query), { token: seller.token });

describe('GET /v2/account-orders -> 422 for a filter that is not UTF-8', () => {
  it.each([
    ['a %-escaped lone surrogate', 'filter[search]=%ED%A0%80', 'search'],
    ['a %-escaped 0xFF', 'filter%5Bsearch%5D=a%FFb', 'search'],
    ['a truncated sequence', 'filter[search]=caf%C3', 'search'],
    ['an overlong encoding', 'filter[status]=%C0%AF', 'status'],
    ['one bad element of a filter array', 'filter[id][]=1&filter[id][]=%FE', 'id'],
  ])('refuses %s, naming the filter', async (_label, query, name) => {
    expectValidationError(await get(query), notUtf8(name));
  });

  it('ignores a bad value in a parameter it does not read', async () => {
    const res = await get('unknown=%FF&page=%ED%A0%80');
    expect(res.status).toBe(200);
    expect(idsOf(res)).toEqual([orderId]);
  });

  it('searches for U+FFFD and é sent %-escaped as UTF-8, as they are', async () => {
    for (const search of ['%EF%BF%BD', 'Caf%C3%A9']) {
      const res = await get(`filter[search]=${search}`);
      expect(res.status, res.text).toBe(200);
      expect(idsOf(res)).toEqual([orderId]);
    }
  });
});

describe('GET /v2/account-orders/{id} -> 404 for path segments that name nothing', () => {
  it.each([
    ['a %-escaped lone surrogate', '%ED%A0%80'],
    ['a %-escaped 0xFF', '%FF'],
    ['a malformed escape', '%zz'],
    ['a segment of 101 digits', '1'.repeat(101)],
    ['a segment of 5,000 characters', 'a'.repeat(5000)],
  ])('answers the Laravel 404 for %s, with the request id', async (_label, segment) => {
    expectErrorBody(await parley.api.get(`/v2/account-orders/${segment}`, { token: seller.token }), 404, 'Resource not found.');
  });

  it('answers the same 404 on a nested route and without a key', async () => {
    expectErrorBody(await parley.api.get(`/v2/account-orders/${'9'.repeat(200)}/messages`, { token: seller.token }), 404, 'Resource not found.');
    expectErrorBody(await parley.api.get(`/v2/account-orders/%FF`, { token: null }), 404, 'Resource not found.');
  });
});
