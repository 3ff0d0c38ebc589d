import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows } from './helpers.js';

/**
 * Input PostgreSQL cannot take (U+0000 in text, integers beyond bigint) answers the same 422 on
 * both databases, before any SQL (docs/api.md).
 */

let parley: TestParley;
let seller: TestUser;
let buyer: TestUser;
let game: { id: number };

beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
  buyer = await parley.fixtures.user('buyer');
  game = await parley.fixtures.game();
});
afterAll(() => parley.close());

const TOO_BIG = (field: string) => `The ${field} field must not be greater than 9007199254740991.`;
const NUL = (field: string) => `The ${field} field must not contain null characters.`;

/** Posts a valid order with `fields` spliced into its JSON text as is; expects exactly `errors` and no new row. */
async function expectErrors(fields: string, errors: Record<string, string[]>) {
  const body = `{"seller_id": ${seller.id}, "buyer_id": ${buyer.id}, "game_id": ${game.id}, "title": "Account", "price": "10.00", ${fields}}`;
  const orders = countRows(parley, 'orders');
  const res = await parley.admin.post('/admin/v1/account-orders', undefined, { raw: body, headers: { 'content-type': 'application/json' } });
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(countRows(parley, 'orders')).toBe(orders);
}

describe('POST /admin/v1/account-orders -> 422 for hostile input', () => {
  it.each([
    ['1e20', '1e20'],
    ['2^63', '9223372036854775808'],
    ['2^53', '9007199254740992'],
    ['1e400 (read as Infinity)', '1e400'],
  ])('refuses ids of %s as too big, for every id field', async (_label, value) => {
    await expectErrors(`"seller_id": ${value}`, { seller_id: [TOO_BIG('seller id')] });
    await expectErrors(`"buyer_id": ${value}`, { buyer_id: [TOO_BIG('buyer id')] });
    await expectErrors(`"game_id": ${value}`, { game_id: [TOO_BIG('game id')] });
    await expectErrors(`"account_offer_id": ${value}`, { account_offer_id: [TOO_BIG('account offer id')] });
  });

  it('refuses hugely negative ids as unknown (or below 1), without looking them up', async () => {
    await expectErrors('"seller_id": -1e20', { seller_id: ['The selected seller id is invalid.'] });
    await expectErrors('"buyer_id": -9223372036854775809', { buyer_id: ['The selected buyer id is invalid.'] });
    await expectErrors('"game_id": -1e20', { game_id: ['The selected game id is invalid.'] });
    await expectErrors('"account_offer_id": -1e20', { account_offer_id: ['The account offer id field must be at least 1.'] });
  });

  it('accepts the largest id, 2^53 - 1, as an offer id and serves it back exactly', async () => {
    const res = await parley.admin.post('/admin/v1/account-orders', {
      seller_id: seller.id, buyer_id: buyer.id, game_id: game.id, title: 'Largest offer id', account_offer_id: Number.MAX_SAFE_INTEGER,
    });
    expect(res.status, res.text).toBe(201);
    const read = await parley.api.get(`/v2/account-orders/${res.body.data.id}`, { token: seller.token });
    expect(read.body.data.account_offer_id).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['title', '"title": "a\\u0000b"', 'title'],
    ['description', '"description": "\\u0000"', 'description'],
    ['credentials', '"credentials": "user\\u0000pass"', 'credentials'],
    ['delivery_instructions', '"delivery_instructions": "x\\u0000"', 'delivery instructions'],
  ])('refuses a NUL character in %s', async (field, json, attribute) => {
    await expectErrors(json, { [field]: [NUL(attribute)] });
  });

  it('reports every hostile field at once', async () => {
    await expectErrors('"title": "\\u0000", "seller_id": 1e20', { title: [NUL('title')], seller_id: [TOO_BIG('seller id')] });
  });

  it('refuses a NUL character in a form field', async () => {
    const orders = countRows(parley, 'orders');
    const res = await parley.admin.post('/admin/v1/account-orders', undefined, {
      raw: `title=bad%00title&description=fine`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors.title).toEqual([NUL('title')]);
    expect(countRows(parley, 'orders')).toBe(orders);
  });
});
