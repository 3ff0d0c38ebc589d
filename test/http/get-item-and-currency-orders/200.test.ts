import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import type { TestUser } from '../../support/fixtures.js';
import type { OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { metaCounts } from '../get-account-orders/helpers.js';
import { ACCOUNT, COMPLETABLE, CURRENCY, ITEM, orderPath } from '../post-order-complete/helpers.js';

let parley: TestParley;
let game: { id: number; name: string; slug: string };
beforeAll(async () => {
  parley = await startTestParley();
  const { id, name, slug } = await parley.fixtures.game('Item Game');
  // Orders embed the game as {id, name, slug}.
  game = { id, name, slug };
});
afterAll(() => parley.close());

const ITEM_KEYS = [
  'id', 'item_offer_id', 'game', 'buyer', 'rating', 'title', 'description', 'quantity', 'parameters', 'status', 'is_disputed',
  'dispute_case_id', 'delivery_time', 'price_eur', 'price_usd', 'unit_price_eur', 'unit_price_usd', 'created_at', 'updated_at',
  'purchased_at', 'completed_at', 'refunded_at',
];
const CURRENCY_KEYS = [
  'id', 'currency_offer_id', 'game', 'buyer', 'rating', 'title', 'description', 'quantity', 'currency_unit', 'parameters', 'status',
  'is_disputed', 'dispute_case_id', 'delivery_time', 'credentials', 'completion_proof_url', 'price_eur', 'price_usd', 'unit_price_eur',
  'unit_price_usd', 'created_at', 'updated_at',
];

const eur = (amount: number, format: string) => ({ format, value: amount / 100, amount, currency: { symbol: '€', code: 'EUR' } });
const usd = (amount: number, format: string) => ({ format, value: amount / 100, amount, currency: { symbol: '$', code: 'USD' } });

/** Offer ids no other test of this file uses. */
let nextOffer = 900_000;
const newOfferId = () => ++nextOffer;

function ids(res: ApiResponse): number[] {
  expect(res.status, res.text).toBe(200);
  return (res.body.data as Array<{ id: number }>).map((o) => o.id);
}

const offersPath = (kind: OrderKindCase, offerId: number | string, query = '') =>
  `/v2/${kind.kind === 'item' ? 'item-offers' : 'currency-offers'}/${offerId}/orders${query ? `?${query}` : ''}`;

async function pair(): Promise<{ seller: TestUser; buyer: TestUser }> {
  return { seller: await parley.fixtures.user('seller'), buyer: await parley.fixtures.user('buyer') };
}

describe('GET /v2/item-orders/{itemOrder} -> 200', () => {
  it('serves the exact ItemOrder shape, with unit prices = price / quantity rounded to the cent', async () => {
    const { seller, buyer } = await pair();
    const created = await parley.fixtures.order(seller, buyer, {
      game_id: game.id,
      title: '3 Legendary swords',
      description: 'Traded in game',
      quantity: 3,
      price_eur: '10.00',
      item_offer_id: 4242,
      parameters: { server: 'EU', rarity: 'legendary' },
      delivery_time: { duration: 20, unit: 'minutes' },
    }, ITEM);
    const res = await parley.api.get(orderPath(ITEM, created.id), { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data']);
    const order = res.body.data;
    expect(Object.keys(order)).toEqual(ITEM_KEYS);
    expect(order).toEqual({
      id: created.id,
      item_offer_id: 4242,
      game,
      buyer: { id: buyer.id, username: buyer.username },
      rating: null,
      title: '3 Legendary swords',
      description: 'Traded in game',
      quantity: 3,
      parameters: { server: 'EU', rarity: 'legendary' },
      status: 'pending',
      is_disputed: false,
      dispute_case_id: null,
      delivery_time: { duration: 20, unit: 'minutes', format: '20m', format_long: '20 minutes', seconds: 1200 },
      price_eur: eur(1000, '€10,00'),
      price_usd: usd(1080, '$10.80'),
      unit_price_eur: eur(333, '€3,33'),
      unit_price_usd: usd(360, '$3.60'),
      created_at: created.created_at,
      updated_at: created.created_at,
      purchased_at: created.created_at,
      completed_at: null,
      refunded_at: null,
    });
    expect(order).toEqual(created);
    // The buyer and the admin read the same resource.
    for (const token of [buyer.token, parley.adminToken]) {
      const read = await parley.api.get(orderPath(ITEM, created.id), { token });
      expect(read.status, read.text).toBe(200);
      expect(read.body.data).toEqual(order);
    }
  });

  it.each([
    ['20.00', 3, '21.60', 667, 720],
    ['0.05', 2, '0.05', 3, 3],
    ['9.99', 1, '10.79', 999, 1079],
    ['100.00', 7, '0.00', 1429, 0],
  ])('prices %s EUR for %i items (USD %s) at unit prices of %i and %i cents', async (price, quantity, priceUsd, unitEur, unitUsd) => {
    const { seller, buyer } = await pair();
    const created = await parley.fixtures.order(seller, buyer, { price_eur: price, price_usd: priceUsd, quantity }, ITEM);
    const res = await parley.api.get(orderPath(ITEM, created.id), { token: seller.token });
    expect(res.body.data.unit_price_eur).toMatchObject({ amount: unitEur, value: unitEur / 100, currency: { code: 'EUR' } });
    expect(res.body.data.unit_price_usd).toMatchObject({ amount: unitUsd, value: unitUsd / 100, currency: { code: 'USD' } });
  });

  it('serves completed_at and refunded_at as the order moves', async () => {
    const { seller, buyer } = await pair();
    const created = await parley.fixtures.order(seller, buyer, { status: 'in_delivery' }, ITEM);
    expect((await parley.api.post(`${ITEM.path}/${created.id}/complete`, undefined, { token: seller.token })).status).toBe(200);
    expect((await parley.admin.patch(`${ITEM.adminPath}/${created.id}`, { status: 'refunded' })).status).toBe(200);
    const res = await parley.api.get(orderPath(ITEM, created.id), { token: buyer.token });
    expect(res.body.data).toMatchObject({ status: 'refunded', completed_at: expect.any(Number), refunded_at: expect.any(Number) });
  });
});

describe('GET /v2/currency-orders/{currencyOrder} -> 200', () => {
  it('serves the exact CurrencyOrder shape, with unit prices per currency unit', async () => {
    const { seller, buyer } = await pair();
    const unit = { slug: 'k-gold', currency_name: 'Gold', name: '1K Gold', symbol: 'G', multiplier: 1000 };
    const created = await parley.fixtures.order(seller, buyer, {
      game_id: game.id,
      title: '200K Gold',
      quantity: 200,
      currency_unit: unit,
      price_eur: '50.00',
      currency_offer_id: 77,
      credentials: { character: 'Bob', server: 'Ragnaros' },
      completion_proof_url: 'https://example.com/proof.png',
      delivery_time: { duration: 2, unit: 'hours' },
    }, CURRENCY);
    const res = await parley.api.get(orderPath(CURRENCY, created.id), { token: seller.token });
    expect(res.status, res.text).toBe(200);
    const order = res.body.data;
    expect(Object.keys(order)).toEqual(CURRENCY_KEYS);
    expect(order).toEqual({
      id: created.id,
      currency_offer_id: 77,
      game,
      buyer: { id: buyer.id, username: buyer.username },
      rating: null,
      title: '200K Gold',
      description: '',
      quantity: 200,
      currency_unit: unit,
      parameters: {},
      status: 'pending',
      is_disputed: false,
      dispute_case_id: null,
      delivery_time: { duration: 2, unit: 'hours', format: '2h', format_long: '2 hours', seconds: 7200 },
      credentials: { character: 'Bob', server: 'Ragnaros' },
      completion_proof_url: 'https://example.com/proof.png',
      price_eur: eur(5000, '€50,00'),
      price_usd: usd(5400, '$54.00'),
      unit_price_eur: { format: '€0,25', format_readable: '€0,25 per 1K Gold', amount: 25, currency: 'EUR' },
      unit_price_usd: { format: '$0.27', format_readable: '$0.27 per 1K Gold', amount: 27, currency: 'USD' },
      created_at: created.created_at,
      updated_at: created.created_at,
    });
    expect(order).toEqual(created);
    for (const token of [buyer.token, parley.adminToken]) {
      const read = await parley.api.get(orderPath(CURRENCY, created.id), { token });
      expect(read.status, read.text).toBe(200);
      expect(read.body.data).toEqual(order);
    }
  });

  it('names the default unit (Gold) in format_readable and rounds unit prices to the cent', async () => {
    const { seller, buyer } = await pair();
    const created = await parley.fixtures.order(seller, buyer, { price_eur: '1234.56', price_usd: '1000.00', quantity: 1000 }, CURRENCY);
    const res = await parley.api.get(orderPath(CURRENCY, created.id), { token: seller.token });
    expect(res.body.data.currency_unit).toEqual({ slug: 'gold', currency_name: 'Gold', name: 'Gold', symbol: 'G', multiplier: 1 });
    expect(res.body.data.price_eur).toEqual(eur(123456, '€1.234,56'));
    expect(res.body.data.unit_price_eur).toEqual({ format: '€1,23', format_readable: '€1,23 per Gold', amount: 123, currency: 'EUR' });
    expect(res.body.data.unit_price_usd).toEqual({ format: '$1.00', format_readable: '$1.00 per Gold', amount: 100, currency: 'USD' });
  });
});

describe.each(COMPLETABLE.map((k) => [k.path, k] as const))('GET %s -> 200', (_path, kind) => {
  it("lists the seller's orders of this kind only, paginated, newest first", async () => {
    const { seller, buyer } = await pair();
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await parley.fixtures.order(seller, buyer, { title: `${kind.kind} ${i}` }, kind));
    // The same seller's orders of the other kinds, and another seller's order of this kind.
    const others = [];
    for (const other of [ACCOUNT, ITEM, CURRENCY].filter((k) => k.kind !== kind.kind)) others.push(await parley.fixtures.order(seller, buyer, {}, other));
    const stranger = await parley.fixtures.scenario('pending', {}, kind);

    const res = await parley.api.get(kind.path, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data', 'meta', 'links']);
    expect(res.body.data).toEqual([...mine].reverse());
    expect(metaCounts(res.body.meta)).toEqual({ current_page: 1, from: 1, last_page: 1, per_page: 15, to: 3, total: 3 });
    for (const other of others) expect(ids(res)).not.toContain(other.id);
    expect(ids(res)).not.toContain(stranger.order.id);

    const page2 = await parley.api.get(`${kind.path}?per_page=2&page=2`, { token: seller.token });
    expect(ids(page2)).toEqual([mine[0].id]);
    expect(metaCounts(page2.body.meta)).toEqual({ current_page: 2, from: 3, last_page: 2, per_page: 2, to: 3, total: 3 });
    expect(page2.body.links.next).toBeNull();
    expect(page2.body.links.prev).toMatch(/[?&]page=1(&|$)/);
    expect(new URL(page2.body.links.first).pathname).toBe(kind.path);
  });

  it("never lists another kind's orders, even to the admin", async () => {
    const { seller, buyer } = await pair();
    const byKind: Record<string, number> = {};
    for (const k of [ACCOUNT, ITEM, CURRENCY]) byKind[k.kind] = (await parley.fixtures.order(seller, buyer, {}, k)).id;
    expect(ids(await parley.api.get(kind.path, { token: seller.token }))).toEqual([byKind[kind.kind]]);
    const all = ids(await parley.api.get(`${kind.path}?per_page=50&filter[buyer_id]=${buyer.id}`, { token: parley.adminToken }));
    expect(all).toEqual([byKind[kind.kind]]);
  });

  it('answers an empty page to a seller without orders of this kind', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    await parley.fixtures.order(seller, buyer, {}, ACCOUNT);
    const res = await parley.api.get(kind.path, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(metaCounts(res.body.meta)).toEqual({ current_page: 1, from: null, last_page: 1, per_page: 15, to: null, total: 0 });
  });

  it('filters by status (filter[status], also percent-encoded and as a comma list)', async () => {
    const { seller, buyer } = await pair();
    const pending = await parley.fixtures.order(seller, buyer, { status: 'pending' }, kind);
    const delivered = await parley.fixtures.order(seller, buyer, { status: 'delivered' }, kind);
    const refunded = await parley.fixtures.order(seller, buyer, { status: 'refunded' }, kind);
    expect(ids(await parley.api.get(`${kind.path}?filter[status]=delivered`, { token: seller.token }))).toEqual([delivered.id]);
    expect(ids(await parley.api.get(`${kind.path}?filter%5Bstatus%5D=pending`, { token: seller.token }))).toEqual([pending.id]);
    expect(ids(await parley.api.get(`${kind.path}?filter[status]=refunded,pending`, { token: seller.token }))).toEqual([refunded.id, pending.id]);
    const res = await parley.api.get(`${kind.path}?filter[status]=in_delivery`, { token: seller.token });
    expect(ids(res)).toEqual([]);
    expect(res.body.meta.total).toBe(0);
  });

  it('sorts by price, both ways, and by id', async () => {
    const { seller, buyer } = await pair();
    const cheap = await parley.fixtures.order(seller, buyer, { price_eur: '1.00' }, kind);
    const dear = await parley.fixtures.order(seller, buyer, { price_eur: '99.00' }, kind);
    const mid = await parley.fixtures.order(seller, buyer, { price_eur: '10.00' }, kind);
    expect(ids(await parley.api.get(`${kind.path}?sort=-price`, { token: seller.token }))).toEqual([dear.id, mid.id, cheap.id]);
    expect(ids(await parley.api.get(`${kind.path}?sort=price`, { token: seller.token }))).toEqual([cheap.id, mid.id, dear.id]);
    expect(ids(await parley.api.get(`${kind.path}?sort=id`, { token: seller.token }))).toEqual([cheap.id, dear.id, mid.id]);
  });

  it('finds an order by filter[search] (title) and filter[id]', async () => {
    const { seller, buyer } = await pair();
    const a = await parley.fixtures.order(seller, buyer, { title: 'Shiny dragon mount' }, kind);
    const b = await parley.fixtures.order(seller, buyer, { title: 'Plain horse' }, kind);
    expect(ids(await parley.api.get(`${kind.path}?filter[search]=dragon`, { token: seller.token }))).toEqual([a.id]);
    expect(ids(await parley.api.get(`${kind.path}?filter[id]=${b.id}`, { token: seller.token }))).toEqual([b.id]);
  });
});

describe.each(COMPLETABLE.map((k) => [offersPath(k, '{offer}'), k] as const))('GET %s -> 200', (_path, kind) => {
  it("lists only the caller's orders of that offer, paginated like the main list", async () => {
    const { seller, buyer } = await pair();
    const offer = newOfferId();
    const otherOffer = newOfferId();
    const a = await parley.fixtures.order(seller, buyer, { [kind.offerField]: offer }, kind);
    await parley.fixtures.order(seller, buyer, { [kind.offerField]: otherOffer }, kind);
    const b = await parley.fixtures.order(seller, buyer, { [kind.offerField]: offer, status: 'delivered' }, kind);
    // Another seller's order of the same offer id.
    const foreign = await parley.fixtures.scenario('pending', { [kind.offerField]: offer }, kind);

    const res = await parley.api.get(offersPath(kind, offer), { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data', 'meta', 'links']);
    expect(res.body.data).toEqual([b, a]);
    expect(metaCounts(res.body.meta)).toEqual({ current_page: 1, from: 1, last_page: 1, per_page: 15, to: 2, total: 2 });
    expect(res.body.links).toMatchObject({ prev: null, next: null });
    expect(new URL(res.body.links.first).pathname).toBe(`/v2/${kind.kind}-offers/${offer}/orders`);

    const first = await parley.api.get(offersPath(kind, offer, 'per_page=1'), { token: seller.token });
    expect(ids(first)).toEqual([b.id]);
    expect(metaCounts(first.body.meta)).toEqual({ current_page: 1, from: 1, last_page: 2, per_page: 1, to: 1, total: 2 });
    const next = first.body.links.next as string;
    expect(new URL(next).pathname).toBe(`/v2/${kind.kind}-offers/${offer}/orders`);
    const second = await parley.api.get(`${new URL(next).pathname}${new URL(next).search}`, { token: seller.token });
    expect(ids(second)).toEqual([a.id]);
    expect(second.body.meta).toMatchObject({ current_page: 2, last_page: 2, to: 2, total: 2 });
    expect(second.body.links.next).toBeNull();

    // The other seller sees only theirs; the admin sees all three.
    expect(ids(await parley.api.get(offersPath(kind, offer), { token: foreign.seller.token }))).toEqual([foreign.order.id]);
    expect(ids(await parley.api.get(offersPath(kind, offer), { token: parley.adminToken }))).toEqual([foreign.order.id, b.id, a.id]);
  });

  it('filters and sorts the offer list like the main list', async () => {
    const { seller, buyer } = await pair();
    const offer = newOfferId();
    const cheap = await parley.fixtures.order(seller, buyer, { [kind.offerField]: offer, price_eur: '2.00', status: 'delivered' }, kind);
    const dear = await parley.fixtures.order(seller, buyer, { [kind.offerField]: offer, price_eur: '20.00' }, kind);
    const mid = await parley.fixtures.order(seller, buyer, { [kind.offerField]: offer, price_eur: '5.00', status: 'delivered' }, kind);
    await parley.fixtures.order(seller, buyer, { [kind.offerField]: newOfferId(), price_eur: '50.00', status: 'delivered' }, kind);
    expect(ids(await parley.api.get(offersPath(kind, offer, 'sort=-price'), { token: seller.token }))).toEqual([dear.id, mid.id, cheap.id]);
    expect(ids(await parley.api.get(offersPath(kind, offer, 'filter[status]=delivered'), { token: seller.token }))).toEqual([mid.id, cheap.id]);
    expect(ids(await parley.api.get(offersPath(kind, offer, 'filter%5Bstatus%5D=delivered&sort=price'), { token: seller.token }))).toEqual([cheap.id, mid.id]);
  });

  it('answers an empty list for an offer of the caller that nobody bought, to its seller and the admin', async () => {
    // Offers exist now: an id no offer (and no order) has is a 404 (see 404.test.ts).
    const seller = await parley.fixtures.user('seller');
    const created = await parley.api.post(`/v2/${kind.kind}-offers`, {
      game_id: game.id, title: 'Nobody buys this', description: 'x', price: '1.00', stock: 1, delivery_time: { duration: 1, unit: 'hours' },
    }, { token: seller.token });
    expect(created.status, created.text).toBe(201);
    for (const token of [seller.token, parley.adminToken]) {
      const res = await parley.api.get(offersPath(kind, created.body.data.id), { token });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data).toEqual([]);
      expect(metaCounts(res.body.meta)).toEqual({ current_page: 1, from: null, last_page: 1, per_page: 15, to: null, total: 0 });
      expect(res.body.links).toMatchObject({ prev: null, next: null });
    }
  });

  it('uses the order id as the offer id when the order was created without one', async () => {
    const { seller, buyer } = await pair();
    const order = await parley.fixtures.order(seller, buyer, {}, kind);
    expect(order[kind.offerField]).toBe(order.id);
    expect(ids(await parley.api.get(offersPath(kind, order.id), { token: seller.token }))).toEqual([order.id]);
  });

  it("never lists another kind's orders with the same offer id", async () => {
    const { seller, buyer } = await pair();
    const offer = newOfferId();
    const own = await parley.fixtures.order(seller, buyer, { [kind.offerField]: offer }, kind);
    for (const other of [ACCOUNT, ITEM, CURRENCY].filter((k) => k.kind !== kind.kind)) {
      await parley.fixtures.order(seller, buyer, { [other.offerField]: offer }, other);
    }
    expect(ids(await parley.api.get(offersPath(kind, offer), { token: seller.token }))).toEqual([own.id]);
    expect(ids(await parley.api.get(offersPath(kind, offer), { token: parley.adminToken }))).toEqual([own.id]);
  });
});
