import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import type { OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { COMPLETABLE, countRows, CURRENCY, expectValidationError, ITEM, orderPath, orderRow, threadRows } from '../post-order-complete/helpers.js';

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

const UNKNOWN_ID = 999_999;
const PRICE_EUR = 'The price eur field must be a decimal amount with at most 2 decimal places.';

/** Posts a valid order overridden by `fields` (undefined removes a field); expects exactly `errors` and nothing stored. */
async function expectErrors(kind: OrderKindCase, fields: Record<string, unknown>, errors: Record<string, string[]>) {
  const body: Record<string, unknown> = { seller_id: seller.id, buyer_id: buyer.id, game_id: game.id, title: 'Order', price_eur: '10.00', ...fields };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  const orders = countRows(parley, 'orders');
  const messages = countRows(parley, 'messages');
  const res = await parley.admin.post(kind.adminPath, body);
  expectValidationError(res, errors);
  expect(countRows(parley, 'orders')).toBe(orders);
  expect(countRows(parley, 'messages')).toBe(messages);
}

describe.each(COMPLETABLE.map((k) => [k.adminPath, k] as const))('POST %s -> 422', (_path, kind) => {
  it.each([0, -1, -100])('rejects the quantity %j: "must be at least 1"', async (quantity) => {
    await expectErrors(kind, { quantity }, { quantity: ['The quantity field must be at least 1.'] });
  });

  it.each([['the string "3"', '3'], ['a fraction', 1.5], ['a boolean', true], ['an array', [3]]])('rejects %s as quantity: "must be an integer"', async (_label, quantity) => {
    await expectErrors(kind, { quantity }, { quantity: ['The quantity field must be an integer.'] });
  });

  it('rejects a quantity over one billion', async () => {
    await expectErrors(kind, { quantity: 1_000_000_001 }, { quantity: ['The quantity field must not be greater than 1000000000.'] });
  });

  it.each(['1.234', '-1', 'abc', '1,50', 12.345, -0.5])('rejects the price_eur %j under its own name', async (price) => {
    await expectErrors(kind, { price_eur: price }, { price_eur: [PRICE_EUR] });
  });

  it('rejects a bad price_usd', async () => {
    await expectErrors(kind, { price_usd: '1.234' }, { price_usd: ['The price usd field must be a decimal amount with at most 2 decimal places.'] });
  });

  it(`rejects a bad ${kind.offerField}`, async () => {
    const attr = kind.offerField.replace(/_/g, ' ');
    await expectErrors(kind, { [kind.offerField]: 0 }, { [kind.offerField]: [`The ${attr} field must be at least 1.`] });
    await expectErrors(kind, { [kind.offerField]: '7' }, { [kind.offerField]: [`The ${attr} field must be an integer.`] });
  });

  it('rejects an unknown seller, a buyer as seller, and an unknown buyer', async () => {
    await expectErrors(kind, { seller_id: UNKNOWN_ID }, { seller_id: ['The selected seller id is invalid.'] });
    await expectErrors(kind, { seller_id: buyer.id }, { seller_id: ['The selected seller id is invalid.'] });
    await expectErrors(kind, { buyer_id: UNKNOWN_ID }, { buyer_id: ['The selected buyer id is invalid.'] });
  });

  it('requires the seller, the buyer and the title', async () => {
    await expectErrors(kind, { seller_id: undefined, buyer_id: null, title: '   ' }, {
      seller_id: ['The seller id field is required.'],
      buyer_id: ['The buyer id field is required.'],
      title: ['The title field is required.'],
    });
  });

  it('reports every problem at once: schema errors, an unknown seller and a bad price', async () => {
    await expectErrors(kind, { quantity: 0, seller_id: UNKNOWN_ID, price_eur: '1.234', game_id: UNKNOWN_ID }, {
      quantity: ['The quantity field must be at least 1.'],
      seller_id: ['The selected seller id is invalid.'],
      game_id: ['The selected game id is invalid.'],
      price_eur: [PRICE_EUR],
    });
  });
});

describe('POST /admin/v1/currency-orders -> 422', () => {
  it.each(['not a url', 'example.com/proof.png', '/relative/path.png', 'http//missing-colon'])('rejects the completion_proof_url %j', async (url) => {
    await expectErrors(CURRENCY, { completion_proof_url: url }, { completion_proof_url: ['The completion proof url field must be a valid URL.'] });
  });

  it('rejects a completion_proof_url that is not a string', async () => {
    await expectErrors(CURRENCY, { completion_proof_url: 42 }, { completion_proof_url: ['The completion proof url field must be a string.'] });
  });

  it.each([
    ['a string', 'login: bob / pass: x'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', ['bob', 'x']],
  ])('rejects credentials given as %s: "must be an object"', async (_label, credentials) => {
    await expectErrors(CURRENCY, { credentials }, { credentials: ['The credentials field must be an object.'] });
  });

  it('rejects a currency_unit that is not an object, or misses a field', async () => {
    await expectErrors(CURRENCY, { currency_unit: 'gold' }, { currency_unit: ['The currency unit field must be an object.'] });
    await expectErrors(
      CURRENCY,
      { currency_unit: { slug: 'gold', currency_name: 'Gold', symbol: 'G', multiplier: 1 } },
      { 'currency_unit.name': ['The currency unit.name field is required.'] },
    );
    await expectErrors(
      CURRENCY,
      { currency_unit: { slug: 'gold', currency_name: 'Gold', name: 'Gold', symbol: 'G', multiplier: 0 } },
      { 'currency_unit.multiplier': ['The currency unit.multiplier field must be at least 1.'] },
    );
  });

  it('reports a bad quantity, URL, credentials and price together', async () => {
    await expectErrors(CURRENCY, { quantity: '3', completion_proof_url: 'nope', credentials: 'secret', price_eur: '1.234' }, {
      quantity: ['The quantity field must be an integer.'],
      completion_proof_url: ['The completion proof url field must be a valid URL.'],
      credentials: ['The credentials field must be an object.'],
      price_eur: [PRICE_EUR],
    });
  });
});

describe.each(COMPLETABLE.map((k) => [k.adminPath, k] as const))('PATCH %s/{id} -> 422', (_path, kind) => {
  async function expectRejected(orderId: number, body: unknown, errors: Record<string, string[]>) {
    const row = orderRow(parley, orderId);
    const thread = threadRows(parley, kind, orderId);
    expectValidationError(await parley.admin.patch(`${kind.adminPath}/${orderId}`, body), errors);
    expect(orderRow(parley, orderId)).toEqual(row);
    expect(threadRows(parley, kind, orderId)).toEqual(thread);
  }

  it.each([
    ['in_delivery', 'pending'],
    ['delivered', 'pending'],
    ['delivered', 'in_delivery'],
    ['delivered', 'delivered'],
    ['refunded', 'pending'],
    ['refunded', 'delivered'],
    ['refunded', 'refunded'],
    ['pending', 'pending'],
  ] as const)('refuses to move an order from %s to %s, and changes nothing', async (from, to) => {
    const { seller, order } = await parley.fixtures.scenario(from, {}, kind);
    await expectRejected(order.id, { status: to }, { status: [`The order cannot move from ${from} to ${to}.`] });
    const read = await parley.api.get(orderPath(kind, order.id), { token: seller.token });
    expect(read.body.data).toEqual(order);
  });

  it('rejects an unknown or missing status', async () => {
    const { order } = await parley.fixtures.scenario('pending', {}, kind);
    await expectRejected(order.id, { status: 'shipped' }, { status: ['The selected status is invalid.'] });
    await expectRejected(order.id, {}, { status: ['The status field is required when none of rating / is disputed / dispute case id are present.'] });
    await expectRejected(order.id, { status: '  ' }, { status: ['The status field is required.'] });
  });
});

describe('an item order body on the currency route, and the reverse', () => {
  it('validates each kind with its own fields', async () => {
    // credentials are ignored on item orders but must be an object on currency orders.
    const item = await parley.admin.post(ITEM.adminPath, { seller_id: seller.id, buyer_id: buyer.id, title: 'x', credentials: 'a string' });
    expect(item.status, item.text).toBe(201);
    await expectErrors(CURRENCY, { credentials: 'a string' }, { credentials: ['The credentials field must be an object.'] });
  });
});
