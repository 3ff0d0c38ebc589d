import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { isNow, orderRow, uniqueName } from './helpers.js';

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

async function create(fields: Record<string, unknown>) {
  const res = await parley.admin.post('/admin/v1/account-orders', { seller_id: seller.id, buyer_id: buyer.id, title: 'Account', ...fields });
  expect(res.status, res.text).toBe(201);
  expect(Object.keys(res.body)).toEqual(['data']);
  return res.body.data;
}

describe('POST /admin/v1/account-orders -> 201', () => {
  it('creates an order from the required fields only, with every default', async () => {
    const res = await parley.admin.post('/admin/v1/account-orders', { seller_id: seller.id, buyer_id: buyer.id, title: 'Diamond account' });
    expect(res.status, res.text).toBe(201);
    const order = res.body.data;
    expect(order).toEqual({
      id: expect.any(Number),
      account_offer_id: order.id,
      game: firstGame,
      buyer: { id: buyer.id, username: buyer.username },
      rating: null,
      title: 'Diamond account',
      description: '',
      parameters: {},
      status: 'pending',
      is_disputed: false,
      dispute_case_id: null,
      delivery_time: { duration: 1, unit: 'hours', format: '1h', format_long: '1 hour', seconds: 3600 },
      is_manual_delivery: true,
      credentials: null,
      delivery_instructions: null,
      price: { format: '€0,00', value: 0, amount: 0, currency: { symbol: '€', code: 'EUR' } },
      price_usd: { format: '$0.00', value: 0, amount: 0, currency: { symbol: '$', code: 'USD' } },
      image_urls: [],
      created_at: expect.any(Number),
      updated_at: order.created_at,
      purchased_at: order.created_at,
      completed_at: null,
      refunded_at: null,
    });
    expect(isNow(order.created_at), String(order.created_at)).toBe(true);

    const row = orderRow(parley, order.id);
    expect(row).toMatchObject({
      kind: 'account',
      offer_id: order.id,
      game_id: firstGame.id,
      seller_id: seller.id,
      buyer_id: buyer.id,
      title: 'Diamond account',
      status: 'pending',
      price_amount: 0,
      price_usd_amount: 0,
      created_at: order.created_at,
      purchased_at: order.created_at,
      completed_at: null,
      refunded_at: null,
    });
  });

  it('treats null optional fields as absent', async () => {
    const order = await create({
      description: null, price: null, price_usd: null, game_id: null, status: null, account_offer_id: null, parameters: null,
      is_manual_delivery: null, credentials: null, delivery_instructions: null, delivery_time: null, image_urls: null,
    });
    expect(order).toMatchObject({
      account_offer_id: order.id,
      game: firstGame,
      status: 'pending',
      parameters: {},
      is_manual_delivery: true,
      image_urls: [],
      delivery_time: { duration: 1, unit: 'hours', seconds: 3600 },
      price: { amount: 0 },
      price_usd: { amount: 0 },
    });
  });

  it.each([
    ['the string "12.50"', '12.50'],
    ['the number 12.5', 12.5],
    ['the string "12.5"', '12.5'],
    ['a padded string', '  12.50 '],
  ])('reads a price given as %s as 1250 cents', async (_label, price) => {
    const order = await create({ price });
    expect(order.price).toEqual({ format: '€12,50', value: 12.5, amount: 1250, currency: { symbol: '€', code: 'EUR' } });
    // price_usd defaults to round(price * 1.08).
    expect(order.price_usd).toEqual({ format: '$13.50', value: 13.5, amount: 1350, currency: { symbol: '$', code: 'USD' } });
    expect(orderRow(parley, order.id)).toMatchObject({ price_amount: 1250, price_usd_amount: 1350 });
  });

  it.each([
    [12, 1200, 1296],
    ['9.99', 999, 1079],
    ['0.07', 7, 8],
    ['0.05', 5, 5],
    ['1234.56', 123456, 133332],
    [0, 0, 0],
  ])('converts price %j to %i cents and %i USD cents by rounding', async (price, amount, usd) => {
    const order = await create({ price });
    expect(order.price.amount).toBe(amount);
    expect(order.price.value).toBe(amount / 100);
    expect(order.price_usd.amount).toBe(usd);
  });

  it('keeps an explicit price_usd instead of converting', async () => {
    const order = await create({ price: '10.00', price_usd: '20.05' });
    expect(order.price.amount).toBe(1000);
    expect(order.price_usd).toMatchObject({ amount: 2005, value: 20.05, currency: { code: 'USD' } });
  });

  it('stores every optional field as given', async () => {
    const game = await parley.fixtures.game('Second Game');
    const order = await create({
      title: '  Smurf account, level 30  ',
      description: 'Fresh account',
      price: '49.99',
      game_id: game.id,
      status: 'in_delivery',
      account_offer_id: 777,
      parameters: { server: 'EUW', level: 30, tags: ['a', 'b'], nested: { ok: true } },
      is_manual_delivery: false,
      credentials: 'login: smurf / pass: hunter2',
      delivery_instructions: 'Change the e-mail first.',
      delivery_time: { duration: 3, unit: 'days' },
      image_urls: ['https://example.com/a.png', 'https://example.com/b.jpg'],
    });
    expect(order).toMatchObject({
      title: 'Smurf account, level 30',
      description: 'Fresh account',
      price: { amount: 4999 },
      price_usd: { amount: 5399 },
      game,
      status: 'in_delivery',
      account_offer_id: 777,
      parameters: { server: 'EUW', level: 30, tags: ['a', 'b'], nested: { ok: true } },
      is_manual_delivery: false,
      credentials: 'login: smurf / pass: hunter2',
      delivery_instructions: 'Change the e-mail first.',
      delivery_time: { duration: 3, unit: 'days', format: '3d', format_long: '3 days', seconds: 259200 },
      image_urls: ['https://example.com/a.png', 'https://example.com/b.jpg'],
      completed_at: null,
      refunded_at: null,
    });
    // The seller reads back the very same order on /v2.
    const read = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
    expect(read.status, read.text).toBe(200);
    expect(read.body.data).toEqual(order);
  });

  it.each(['pending', 'in_delivery'] as const)('sets neither completed_at nor refunded_at for status %s', async (status) => {
    const order = await create({ status });
    expect(order).toMatchObject({ status, completed_at: null, refunded_at: null });
  });

  it('sets completed_at for an order created delivered', async () => {
    const order = await create({ status: 'delivered' });
    expect(order.status).toBe('delivered');
    expect(order.completed_at).toBe(order.created_at);
    expect(order.refunded_at).toBeNull();
    expect(orderRow(parley, order.id)).toMatchObject({ status: 'delivered', completed_at: order.created_at, refunded_at: null });
  });

  it('sets refunded_at for an order created refunded', async () => {
    const order = await create({ status: 'refunded' });
    expect(order.status).toBe('refunded');
    expect(order.refunded_at).toBe(order.created_at);
    expect(order.completed_at).toBeNull();
    expect(orderRow(parley, order.id)).toMatchObject({ status: 'refunded', refunded_at: order.created_at, completed_at: null });
  });

  it('accepts a title of exactly 255 characters', async () => {
    const title = 't'.repeat(255);
    const order = await create({ title });
    expect(order.title).toBe(title);
  });

  it('gives each order its own id, used as its account_offer_id', async () => {
    const a = await create({});
    const b = await create({});
    expect(a.id).not.toBe(b.id);
    expect(a.account_offer_id).toBe(a.id);
    expect(b.account_offer_id).toBe(b.id);
  });

  it("shows the order in the seller's list, not in another seller's", async () => {
    const otherSeller = await parley.fixtures.user('seller');
    const order = await parley.fixtures.order(otherSeller, buyer, { title: uniqueName('listed') });
    const mine = await parley.api.get('/v2/account-orders', { token: otherSeller.token });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.data).toEqual([order]);
    const theirs = await parley.api.get('/v2/account-orders', { token: seller.token });
    expect(theirs.body.data.map((o: { id: number }) => o.id)).not.toContain(order.id);
  });

  it('works with the key of a user created with role admin', async () => {
    const admin = await parley.fixtures.user('admin');
    const res = await parley.api.post(
      '/admin/v1/account-orders',
      { seller_id: seller.id, buyer_id: buyer.id, title: 'By admin key', price: 5 },
      { token: admin.token },
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ title: 'By admin key', price: { amount: 500 } });
  });
});
