import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectValidationError, listPath } from './helpers.js';

let parley: TestParley;
let seller: TestUser;
beforeAll(async () => {
  parley = await startTestParley();
  ({ seller } = await parley.fixtures.scenario('pending'));
});
afterAll(() => parley.close());

const BETWEEN = 'The per page field must be between 1 and 50.';
const INTEGER = 'The per page field must be an integer.';
const STATUS = 'The selected filter.status is invalid. Allowed: pending, in_delivery, delivered, refunded.';
const ids = (name: string) => `The filter.${name} field must be a comma-separated list of integer ids.`;
const date = (name: string) => `The filter.${name} field must be a date (YYYY-MM-DD) or a date range (YYYY-MM-DD,YYYY-MM-DD).`;
const SORT = 'The selected sort is invalid. Allowed: id, price, delivery_time, created_at, updated_at, sold_at, completed_at (prefix - for descending).';

const get = (query: string) => parley.api.get(listPath(query), { token: seller.token });

describe('GET /v2/account-orders -> 422', () => {
  it.each(['0', '51', '-1', '1000'])('rejects per_page=%s as out of range', async (perPage) => {
    expectValidationError(await get(`per_page=${perPage}`), { per_page: [BETWEEN] });
  });

  it.each(['abc', '1.5', '10x', '1e1'])('rejects per_page=%j as not an integer', async (perPage) => {
    expectValidationError(await get(`per_page=${perPage}`), { per_page: [INTEGER] });
  });

  it.each(['shipped', 'PENDING', 'pending,bogus', 'sold'])('rejects filter[status]=%j', async (status) => {
    expectValidationError(await get(`filter[status]=${encodeURIComponent(status)}`), { 'filter.status': [STATUS] });
  });

  it('rejects a bad status sent with percent-encoded brackets under the same name', async () => {
    expectValidationError(await get('filter%5Bstatus%5D=nope'), { 'filter.status': [STATUS] });
  });

  it.each(['abc', '1,,2', '1;2', '-3', '1.5', '1,x'])('rejects filter[id]=%j', async (value) => {
    expectValidationError(await get(`filter[id]=${encodeURIComponent(value)}`), { 'filter.id': [ids('id')] });
  });

  it('rejects bad buyer_id and game_id lists, also sent as arrays', async () => {
    expectValidationError(await get('filter[buyer_id]=me'), { 'filter.buyer_id': [ids('buyer_id')] });
    expectValidationError(await get('filter[game_id]=fortnite'), { 'filter.game_id': [ids('game_id')] });
    expectValidationError(await get('filter[game_id][0]=2&filter[game_id][1]=x'), { 'filter.game_id': [ids('game_id')] });
    expectValidationError(await get('filter[id][]=abc'), { 'filter.id': [ids('id')] });
  });

  it.each([
    ['2024-13-01', 'month 13'],
    ['2024-02-30', '30 February'],
    ['2023-02-29', '29 February of a common year'],
    ['2024-04-31', '31 April'],
    ['2024-00-10', 'month 0'],
    ['yesterday', 'a word'],
    ['2024-3-1', 'unpadded parts'],
    ['01-03-2024', 'day first'],
    ['2024-03-01T10:00:00', 'a date-time'],
    ['1709251200', 'a Unix time'],
    ['2024-03-10,2024-03-01', 'a reversed range'],
    ['2024-03-01,2024-03-05,2024-03-09', 'three dates'],
    ['2024-03-01,', 'an open-ended range'],
    [',2024-03-01', 'a range without a start'],
    ['2024-03-01,garbage', 'a range ending in garbage'],
  ])('rejects filter[created_at]=%j (%s)', async (value) => {
    expectValidationError(await get(`filter[created_at]=${encodeURIComponent(value)}`), { 'filter.created_at': [date('created_at')] });
  });

  it.each(['updated_at', 'sold_at', 'completed_at', 'refunded_at'])('names filter.%s for a bad date', async (name) => {
    expectValidationError(await get(`filter[${name}]=2024-02-30`), { [`filter.${name}`]: [date(name)] });
    expectValidationError(await get(`filter[${name}]=2024-05-02,2024-05-01`), { [`filter.${name}`]: [date(name)] });
  });

  it.each(['name', 'title', '-status', 'price,bogus', '--price', 'price desc', 'purchased_at'])('rejects sort=%j', async (sort) => {
    expectValidationError(await get(`sort=${encodeURIComponent(sort)}`), { sort: [SORT] });
  });

  it('names every bad field in one answer', async () => {
    const res = await get(
      'per_page=0&page=abc&filter[status]=lost&filter[id]=x&filter[buyer_id]=y&filter[game_id]=z' +
        '&filter[created_at]=yesterday&filter[sold_at]=2024-13-01&filter[refunded_at]=2024-02-30&sort=nope&foo=bar',
    );
    expectValidationError(res, {
      per_page: [BETWEEN],
      'filter.status': [STATUS],
      'filter.id': [ids('id')],
      'filter.buyer_id': [ids('buyer_id')],
      'filter.game_id': [ids('game_id')],
      'filter.created_at': [date('created_at')],
      'filter.sold_at': [date('sold_at')],
      'filter.refunded_at': [date('refunded_at')],
      sort: [SORT],
    });
  });

  it('validates the same way for buyers and admins, whose lists are otherwise empty or global', async () => {
    const buyer = await parley.fixtures.user('buyer');
    for (const token of [buyer.token, parley.adminToken]) {
      const res = await parley.api.get(listPath('filter[status]=lost&per_page=99'), { token });
      expectValidationError(res, { per_page: [BETWEEN], 'filter.status': [STATUS] });
    }
  });

  it('answers 422 as JSON even when the client accepts anything', async () => {
    const res = await parley.api.get(listPath('sort=nope'), { token: seller.token, headers: { accept: '*/*' } });
    expectValidationError(res, { sort: [SORT] });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
