import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const path = (id: number | string) => `/v2/account-orders/${id}`;

describe('GET /v2/account-orders/{accountOrder} -> 200', () => {
  it('serves every field of the order to its seller', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const game = await parley.fixtures.game('Valorant');
    const before = Math.floor(Date.now() / 1000);
    const order = await parley.fixtures.order(seller, buyer, {
      game_id: game.id,
      title: 'Radiant account, all agents',
      description: 'Full access, original email.',
      price: '1234.5',
      price_usd: '1333.26',
      status: 'in_delivery',
      parameters: { region: 'EU', rank: 'Radiant', agents: 24, skins: ['Reaver Vandal'] },
      delivery_time: { duration: 2, unit: 'hours' },
      image_urls: ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.jpg'],
      credentials: 'login: radiant@example.com\npassword: hunter2',
      delivery_instructions: 'Change the password after login.',
      account_offer_id: 4711,
      is_manual_delivery: false,
    });
    const after = Math.floor(Date.now() / 1000);

    const res = await parley.api.get(path(order.id), { token: seller.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-gameboost-request-id')).toBeTruthy();
    expect(Object.keys(res.body)).toEqual(['data']);
    const data = res.body.data;
    expect(data).toStrictEqual({
      id: order.id,
      account_offer_id: 4711,
      game: { id: game.id, name: 'Valorant', slug: game.slug },
      buyer: { id: buyer.id, username: buyer.username },
      rating: null,
      title: 'Radiant account, all agents',
      description: 'Full access, original email.',
      parameters: { region: 'EU', rank: 'Radiant', agents: 24, skins: ['Reaver Vandal'] },
      status: 'in_delivery',
      is_disputed: false,
      dispute_case_id: null,
      delivery_time: { duration: 2, unit: 'hours', format: '2h', format_long: '2 hours', seconds: 7200 },
      is_manual_delivery: false,
      credentials: 'login: radiant@example.com\npassword: hunter2',
      delivery_instructions: 'Change the password after login.',
      price: { format: '€1.234,50', value: 1234.5, amount: 123450, currency: { symbol: '€', code: 'EUR' } },
      price_usd: { format: '$1,333.26', value: 1333.26, amount: 133326, currency: { symbol: '$', code: 'USD' } },
      image_urls: ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.jpg'],
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      purchased_at: expect.any(Number),
      completed_at: null,
      refunded_at: null,
    });
    expect(data.created_at).toBeGreaterThanOrEqual(before);
    expect(data.created_at).toBeLessThanOrEqual(after);
    expect(Number.isInteger(data.created_at)).toBe(true);
    expect(data.updated_at).toBe(data.created_at);
    expect(data.purchased_at).toBe(data.created_at);
    // The admin API's answer and the seller's view agree.
    expect(data).toStrictEqual(order);
  });

  it('serves the order to its buyer, to the admin token and to admin keys', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const adminUser = await parley.fixtures.user('admin');
    const views = [];
    for (const token of [seller.token, buyer.token, parley.adminToken, adminUser.token]) {
      const res = await parley.api.get(path(order.id), { token });
      expect(res.status).toBe(200);
      views.push(res.body.data);
    }
    for (const view of views) expect(view).toStrictEqual(views[0]);
    expect(views[0].id).toBe(order.id);
  });

  it('fills the documented defaults of an order created with the minimum', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const created = await parley.admin.post('/admin/v1/account-orders', { seller_id: seller.id, buyer_id: buyer.id, title: 'Bare order' });
    expect(created.status).toBe(201);
    const res = await parley.api.get(path(created.body.data.id), { token: seller.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: created.body.data.id,
      account_offer_id: created.body.data.id,
      title: 'Bare order',
      description: '',
      parameters: {},
      status: 'pending',
      rating: null,
      is_disputed: false,
      dispute_case_id: null,
      is_manual_delivery: true,
      credentials: null,
      delivery_instructions: null,
      image_urls: [],
      delivery_time: { duration: 1, unit: 'hours', format: '1h', format_long: '1 hour', seconds: 3600 },
      price: { format: '€0,00', value: 0, amount: 0, currency: { symbol: '€', code: 'EUR' } },
      price_usd: { format: '$0.00', value: 0, amount: 0, currency: { symbol: '$', code: 'USD' } },
      completed_at: null,
      refunded_at: null,
    });
  });

  it.each([
    ['12.50', '€12,50', 12.5, 1250],
    [12.5, '€12,50', 12.5, 1250],
    ['0.5', '€0,50', 0.5, 50],
    ['0.07', '€0,07', 0.07, 7],
    ['999.99', '€999,99', 999.99, 99999],
    ['1000', '€1.000,00', 1000, 100000],
    [1234567.89, '€1.234.567,89', 1234567.89, 123456789],
  ])('formats price %j as %s', async (price, format, value, amount) => {
    const { seller, order } = await parley.fixtures.scenario('pending', { price, price_usd: price });
    const res = await parley.api.get(path(order.id), { token: seller.token });
    expect(res.body.data.price).toStrictEqual({ format, value, amount, currency: { symbol: '€', code: 'EUR' } });
    const usd = `$${format.slice(1).replace(/\./g, '#').replace(',', '.').replace(/#/g, ',')}`;
    expect(res.body.data.price_usd).toStrictEqual({ format: usd, value, amount, currency: { symbol: '$', code: 'USD' } });
  });

  it('derives price_usd from price at the configured rate when it is not given', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', { price: '10.00' });
    const res = await parley.api.get(path(order.id), { token: seller.token });
    expect(res.body.data.price_usd).toStrictEqual({ format: '$10.80', value: 10.8, amount: 1080, currency: { symbol: '$', code: 'USD' } });
  });

  it.each([
    [{ duration: 1, unit: 'minutes' }, '1m', '1 minute', 60],
    [{ duration: 90, unit: 'minutes' }, '90m', '90 minutes', 5400],
    [{ duration: 1, unit: 'hours' }, '1h', '1 hour', 3600],
    [{ duration: 24, unit: 'hours' }, '24h', '24 hours', 86400],
    [{ duration: 1, unit: 'days' }, '1d', '1 day', 86400],
    [{ duration: 3, unit: 'days' }, '3d', '3 days', 259200],
  ])('describes delivery_time %j', async (delivery, format, formatLong, seconds) => {
    const { seller, order } = await parley.fixtures.scenario('pending', { delivery_time: delivery });
    const res = await parley.api.get(path(order.id), { token: seller.token });
    expect(res.body.data.delivery_time).toStrictEqual({ ...delivery, format, format_long: formatLong, seconds });
  });

  it('shows completed_at once delivered and refunded_at once refunded', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('in_delivery');
    const delivered = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'delivered' });
    expect(delivered.status).toBe(200);
    const afterDelivery = await parley.api.get(path(order.id), { token: buyer.token });
    expect(afterDelivery.body.data.status).toBe('delivered');
    expect(afterDelivery.body.data.completed_at).toEqual(expect.any(Number));
    expect(afterDelivery.body.data.completed_at).toBeGreaterThanOrEqual(order.created_at);
    expect(afterDelivery.body.data.updated_at).toBe(afterDelivery.body.data.completed_at);
    expect(afterDelivery.body.data.refunded_at).toBeNull();

    expect((await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'refunded' })).status).toBe(200);
    const afterRefund = await parley.api.get(path(order.id), { token: seller.token });
    expect(afterRefund.body.data.status).toBe('refunded');
    expect(afterRefund.body.data.refunded_at).toEqual(expect.any(Number));
    expect(afterRefund.body.data.refunded_at).toBeGreaterThanOrEqual(afterDelivery.body.data.completed_at);
    expect(afterRefund.body.data.completed_at).toBe(afterDelivery.body.data.completed_at);
  });

  it.each(['delivered', 'refunded'] as const)('still serves a %s order (reading is not limited to processing orders)', async (status) => {
    const { seller, buyer, order } = await parley.fixtures.scenario(status);
    for (const token of [seller.token, buyer.token]) {
      const res = await parley.api.get(path(order.id), { token });
      expect(res.status).toBe(200);
      expect(res.body.data.status).toBe(status);
    }
  });

  it('answers JSON even when the client accepts anything', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const res = await parley.api.get(path(order.id), { token: seller.token, headers: { accept: '*/*' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.data.id).toBe(order.id);
  });

  it('ignores a query string', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const res = await parley.api.get(`${path(order.id)}?include=buyer&foo=bar`, { token: seller.token });
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(order.id);
  });

  it('answers the order as it stands now: after a change through the API and one written beside this instance', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const order = await parley.fixtures.order(seller, buyer, { status: 'pending', title: 'First title' });
    const first = await parley.api.get(path(order.id), { token: seller.token });
    expect(first.body.data).toMatchObject({ status: 'pending', title: 'First title' });
    expect((await parley.api.get(path(order.id), { token: buyer.token })).body).toEqual(first.body);

    const patched = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'in_delivery' });
    expect(patched.status).toBe(200);
    const second = await parley.api.get(path(order.id), { token: seller.token });
    expect(second.body.data).toMatchObject({ status: 'in_delivery', title: 'First title' });

    // As another instance on the same database would change it: every update bumps the version.
    parley.writeDb((db) => db.prepare('update orders set title = ?, version = version + 1 where id = ?').run('Changed elsewhere', order.id));
    const third = await parley.api.get(path(order.id), { token: buyer.token });
    expect(third.body.data).toMatchObject({ status: 'in_delivery', title: 'Changed elsewhere' });
    expect(third.body.data.updated_at).toBe(second.body.data.updated_at);
  });
});
