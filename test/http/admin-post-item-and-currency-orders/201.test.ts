import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import type { OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { COMPLETABLE, CURRENCY, isNow, ITEM, messagesPath, orderPath, orderRow, SYSTEM_SENDER, threadRows } from '../post-order-complete/helpers.js';

let parley: TestParley;
let firstGame: { id: number; name: string; slug: string };
let seller: TestUser;
let buyer: TestUser;

beforeAll(async () => {
  parley = await startTestParley();
  // Created before any other game: the default for orders without game_id.
  firstGame = await parley.fixtures.game('First Game');
  seller = await parley.fixtures.user('seller');
  buyer = await parley.fixtures.user('buyer');
});
afterAll(() => parley.close());

const DEFAULT_UNIT = { slug: 'gold', currency_name: 'Gold', name: 'Gold', symbol: 'G', multiplier: 1 };
const ZERO_EUR = { format: '€0,00', value: 0, amount: 0, currency: { symbol: '€', code: 'EUR' } };
const ZERO_USD = { format: '$0.00', value: 0, amount: 0, currency: { symbol: '$', code: 'USD' } };
const ONE_HOUR = { duration: 1, unit: 'hours', format: '1h', format_long: '1 hour', seconds: 3600 };

async function create(kind: OrderKindCase, fields: Record<string, unknown>) {
  const res = await parley.admin.post(kind.adminPath, { seller_id: seller.id, buyer_id: buyer.id, title: `${kind.kind} order`, ...fields });
  expect(res.status, res.text).toBe(201);
  expect(Object.keys(res.body)).toEqual(['data']);
  return res.body.data;
}

describe('POST /admin/v1/item-orders -> 201', () => {
  it('creates an item order from the required fields only, with every default', async () => {
    const res = await parley.admin.post('/admin/v1/item-orders', { seller_id: seller.id, buyer_id: buyer.id, title: 'Sword' });
    expect(res.status, res.text).toBe(201);
    const order = res.body.data;
    expect(order).toEqual({
      id: expect.any(Number),
      item_offer_id: order.id,
      game: firstGame,
      buyer: { id: buyer.id, username: buyer.username },
      rating: null,
      title: 'Sword',
      description: '',
      quantity: 1,
      parameters: {},
      status: 'pending',
      is_disputed: false,
      dispute_case_id: null,
      delivery_time: ONE_HOUR,
      price_eur: ZERO_EUR,
      price_usd: ZERO_USD,
      unit_price_eur: ZERO_EUR,
      unit_price_usd: ZERO_USD,
      created_at: expect.any(Number),
      updated_at: order.created_at,
      purchased_at: order.created_at,
      completed_at: null,
      refunded_at: null,
    });
    expect(isNow(order.created_at)).toBe(true);
    expect(orderRow(parley, order.id)).toMatchObject({
      kind: 'item', offer_id: order.id, seller_id: seller.id, buyer_id: buyer.id, status: 'pending', price_amount: 0, credentials: null,
    });
    const read = await parley.api.get(orderPath(ITEM, order.id), { token: seller.token });
    expect(read.status, read.text).toBe(200);
    expect(read.body.data).toEqual(order);
  });

  it('stores every field as given', async () => {
    const game = await parley.fixtures.game('Item Game');
    const order = await create(ITEM, {
      title: '  5 Healing potions  ',
      description: 'Stackable',
      price_eur: '12.50',
      price_usd: 14,
      quantity: 5,
      item_offer_id: 31337,
      game_id: game.id,
      status: 'in_delivery',
      parameters: { server: 'US-East', stack: 5 },
      delivery_time: { duration: 2, unit: 'days' },
    });
    expect(order).toMatchObject({
      title: '5 Healing potions',
      description: 'Stackable',
      item_offer_id: 31337,
      game,
      quantity: 5,
      status: 'in_delivery',
      parameters: { server: 'US-East', stack: 5 },
      delivery_time: { duration: 2, unit: 'days', format: '2d', format_long: '2 days', seconds: 172800 },
      price_eur: { format: '€12,50', value: 12.5, amount: 1250 },
      price_usd: { format: '$14.00', value: 14, amount: 1400 },
      unit_price_eur: { format: '€2,50', value: 2.5, amount: 250 },
      unit_price_usd: { format: '$2.80', value: 2.8, amount: 280 },
      completed_at: null,
      refunded_at: null,
    });
    const read = await parley.api.get(orderPath(ITEM, order.id), { token: seller.token });
    expect(read.body.data).toEqual(order);
  });

  it('treats null optional fields as absent', async () => {
    const order = await create(ITEM, {
      description: null, price_eur: null, price_usd: null, game_id: null, status: null, item_offer_id: null, parameters: null,
      delivery_time: null, quantity: null,
    });
    expect(order).toMatchObject({ item_offer_id: order.id, quantity: 1, game: firstGame, status: 'pending', price_eur: { amount: 0 } });
  });

  it.each([['"12.50"', '12.50'], ['12.5', 12.5], ['" 12.5 "', ' 12.5 ']])('reads price_eur %s as 1250 cents, price_usd by the rate', async (_l, price) => {
    const order = await create(ITEM, { price_eur: price });
    expect(order.price_eur).toMatchObject({ amount: 1250 });
    expect(order.price_usd).toMatchObject({ amount: 1350 });
    expect(orderRow(parley, order.id)).toMatchObject({ price_amount: 1250, price_usd_amount: 1350 });
  });

  it('ignores fields of the other kinds (credentials, currency_unit, price)', async () => {
    const order = await create(ITEM, { credentials: { a: 1 }, currency_unit: DEFAULT_UNIT, price: '99.00', price_eur: '1.00' });
    expect(order.price_eur.amount).toBe(100);
    expect(order).not.toHaveProperty('credentials');
    expect(order).not.toHaveProperty('currency_unit');
    expect(orderRow(parley, order.id)!.credentials).toBeNull();
  });
});

describe('POST /admin/v1/currency-orders -> 201', () => {
  it('creates a currency order from the required fields only, with every default', async () => {
    const res = await parley.admin.post('/admin/v1/currency-orders', { seller_id: seller.id, buyer_id: buyer.id, title: 'Gold' });
    expect(res.status, res.text).toBe(201);
    const order = res.body.data;
    expect(order).toEqual({
      id: expect.any(Number),
      currency_offer_id: order.id,
      game: firstGame,
      buyer: { id: buyer.id, username: buyer.username },
      rating: null,
      title: 'Gold',
      description: '',
      quantity: 1,
      currency_unit: DEFAULT_UNIT,
      parameters: {},
      status: 'pending',
      is_disputed: false,
      dispute_case_id: null,
      delivery_time: ONE_HOUR,
      credentials: null,
      completion_proof_url: null,
      price_eur: ZERO_EUR,
      price_usd: ZERO_USD,
      unit_price_eur: { format: '€0,00', format_readable: '€0,00 per Gold', amount: 0, currency: 'EUR' },
      unit_price_usd: { format: '$0.00', format_readable: '$0.00 per Gold', amount: 0, currency: 'USD' },
      created_at: expect.any(Number),
      updated_at: order.created_at,
    });
    expect(isNow(order.created_at)).toBe(true);
    expect(orderRow(parley, order.id)).toMatchObject({ kind: 'currency', offer_id: order.id, status: 'pending', credentials: null, completed_at: null });
    const read = await parley.api.get(orderPath(CURRENCY, order.id), { token: seller.token });
    expect(read.body.data).toEqual(order);
  });

  it('stores every field as given, the credentials object sealed at rest', async () => {
    const unit = { slug: 'plat', currency_name: 'Platinum', name: '100 Platinum', symbol: 'P', multiplier: 100 };
    const credentials = { login: 'bob', password: 'pw', extra: { realm: 'EU', slots: [1, 2] } };
    const order = await create(CURRENCY, {
      price_eur: '30.00',
      quantity: 12,
      currency_unit: unit,
      currency_offer_id: 555,
      credentials,
      completion_proof_url: 'https://cdn.example.com/proof/123.png?x=1',
      status: 'delivered',
      description: 'Mail delivery',
    });
    expect(order).toMatchObject({
      currency_offer_id: 555,
      quantity: 12,
      currency_unit: unit,
      credentials,
      completion_proof_url: 'https://cdn.example.com/proof/123.png?x=1',
      status: 'delivered',
      description: 'Mail delivery',
      price_eur: { amount: 3000 },
      price_usd: { amount: 3240 },
      unit_price_eur: { format: '€2,50', format_readable: '€2,50 per 100 Platinum', amount: 250, currency: 'EUR' },
      unit_price_usd: { format: '$2.70', format_readable: '$2.70 per 100 Platinum', amount: 270, currency: 'USD' },
    });
    const row = orderRow(parley, order.id)!;
    expect(row.credentials).toMatch(/^v2:/);
    expect(String(row.credentials)).not.toContain('bob');
    expect(row).toMatchObject({ status: 'delivered', completed_at: order.created_at });
    const read = await parley.api.get(orderPath(CURRENCY, order.id), { token: buyer.token });
    expect(read.body.data).toEqual(order);
  });

  it('treats null optional fields as absent', async () => {
    const order = await create(CURRENCY, {
      quantity: null, currency_unit: null, credentials: null, completion_proof_url: null, currency_offer_id: null, price_eur: null,
    });
    expect(order).toMatchObject({
      quantity: 1, currency_unit: DEFAULT_UNIT, credentials: null, completion_proof_url: null, currency_offer_id: order.id,
    });
  });

  it('accepts an empty credentials object', async () => {
    const order = await create(CURRENCY, { credentials: {} });
    expect(order.credentials).toEqual({});
  });
});

describe.each(COMPLETABLE.map((k) => [k.adminPath, k] as const))('PATCH %s/{id} -> 200', (_path, kind) => {
  const LABEL: Record<string, string> = { pending: 'pending', in_delivery: 'in delivery', delivered: 'delivered', refunded: 'refunded' };

  it.each([
    ['pending', 'in_delivery'],
    ['pending', 'delivered'],
    ['pending', 'refunded'],
    ['in_delivery', 'delivered'],
    ['in_delivery', 'refunded'],
    ['delivered', 'refunded'],
  ] as const)('moves an order from %s to %s and appends one system message', async (from, to) => {
    const { seller, order } = await parley.fixtures.scenario(from, {}, kind);
    const res = await parley.admin.patch(`${kind.adminPath}/${order.id}`, { status: to });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data']);
    const data = res.body.data;
    const expected: Record<string, unknown> = { ...order, status: to, updated_at: data.updated_at };
    if (kind.kind === 'item') {
      expected.completed_at = to === 'delivered' ? data.updated_at : order.completed_at;
      expected.refunded_at = to === 'refunded' ? data.updated_at : order.refunded_at;
    }
    expect(data).toEqual(expected);
    expect(isNow(data.updated_at)).toBe(true);

    const row = orderRow(parley, order.id)!;
    expect(row.status).toBe(to);
    if (to === 'delivered') expect(row.completed_at).toBe(data.updated_at);
    if (to === 'refunded') expect(row.refunded_at).toBe(data.updated_at);

    expect(threadRows(parley, kind, order.id).map((r) => [r.type, r.text, r.sender_id])).toEqual([
      ['system_message', `Order status changed from ${LABEL[from]} to ${LABEL[to]}.`, null],
    ]);
    const thread = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
    expect(thread.status, thread.text).toBe(200);
    expect(thread.body.data).toEqual([
      { id: expect.any(String), type: 'system_message', text: `Order status changed from ${LABEL[from]} to ${LABEL[to]}.`, attachment: null, sender: SYSTEM_SENDER, sent_at: data.updated_at },
    ]);
    const read = await parley.api.get(orderPath(kind, order.id), { token: seller.token });
    expect(read.body.data).toEqual(data);
  });

  it('walks an order through its whole lifecycle, one message per step', async () => {
    const { order } = await parley.fixtures.scenario('pending', {}, kind);
    for (const status of ['in_delivery', 'delivered', 'refunded']) {
      const res = await parley.admin.patch(`${kind.adminPath}/${order.id}`, { status });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data.status).toBe(status);
    }
    expect(threadRows(parley, kind, order.id).map((r) => r.text)).toEqual([
      'Order status changed from pending to in delivery.',
      'Order status changed from in delivery to delivered.',
      'Order status changed from delivered to refunded.',
    ]);
  });
});
