import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createOffer, CURRENCY_OFFERS, ITEM_OFFERS, OFFER_KINDS } from './helpers.js';

let parley: TestParley;
let game: { id: number; name: string; slug: string };
beforeAll(async () => {
  parley = await startTestParley();
  const { id, name, slug } = await parley.fixtures.game('Offer Game');
  // Orders and offers embed the game as {id, name, slug}.
  game = { id, name, slug };
});
afterAll(() => parley.close());

const eur = (amount: number, format: string) => ({ format, value: amount / 100, amount, currency: { symbol: '€', code: 'EUR' } });
const usd = (amount: number, format: string) => ({ format, value: amount / 100, amount, currency: { symbol: '$', code: 'USD' } });

describe('POST /v2/item-offers -> 201', () => {
  it('creates a draft item offer and serves every field strict clients require, never null', async () => {
    const seller = await parley.fixtures.user('seller');
    const res = await parley.api.post(ITEM_OFFERS.path, {
      game_id: game.id,
      title: 'Legendary sword',
      description: 'Traded in game',
      price: '2.50',
      stock: '7',
      min_quantity: 2,
      delivery_time: { duration: 30, unit: 'minutes' },
      item_data: { rarity: 'legendary' },
      image_urls: ['https://example.com/sword.png'],
      external_id: 'my-sku-1',
    }, { token: seller.token });
    expect(res.status, res.text).toBe(201);
    const offer = res.body.data;
    expect(Object.keys(offer)).toEqual([
      'id', 'external_id', 'game', 'title', 'slug', 'description', 'parameters', 'status', 'delivery_time', 'delivery_instructions',
      'stock', 'min_quantity', 'price_eur', 'price_usd', 'views', 'image_urls', 'item_order_ids', 'created_at', 'updated_at', 'listed_at',
    ]);
    expect(offer).toEqual({
      id: expect.any(Number),
      external_id: 'my-sku-1',
      game,
      title: 'Legendary sword',
      slug: 'legendary-sword',
      description: 'Traded in game',
      parameters: { rarity: 'legendary' },
      status: 'draft',
      delivery_time: { duration: 30, unit: 'minutes', format: '30m', format_long: '30 minutes', seconds: 1800 },
      delivery_instructions: null,
      stock: 7,
      min_quantity: 2,
      price_eur: eur(250, '€2,50'),
      price_usd: usd(270, '$2.70'),
      views: 0,
      image_urls: ['https://example.com/sword.png'],
      item_order_ids: [],
      created_at: expect.any(Number),
      updated_at: offer.created_at,
      listed_at: null,
    });
    const read = await parley.api.get(`${ITEM_OFFERS.path}/${offer.id}`, { token: seller.token });
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual({ data: offer });
  });

  it('takes the game by slug, defaults min_quantity to 1, parameters to {} and image_urls to []', async () => {
    const seller = await parley.fixtures.user('seller');
    const res = await parley.api.post(ITEM_OFFERS.path, { ...ITEM_OFFERS.body(), game: game.slug }, { token: seller.token });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ game, min_quantity: 1, parameters: {}, image_urls: [], external_id: null });
  });
});

describe('POST /v2/currency-offers -> 201', () => {
  it('creates a draft currency offer: uuid, generated title, unit prices with up to 6 decimals', async () => {
    const seller = await parley.fixtures.user('seller');
    const unit = { slug: 'k-gold', currency_name: 'Gold', name: '1K Gold', symbol: 'G', multiplier: 1000 };
    const res = await parley.api.post(CURRENCY_OFFERS.path, {
      ...CURRENCY_OFFERS.body(),
      game_id: game.id,
      currency_unit: unit,
      delivery_method: 'mail',
      excluded_delivery_fields: ['password', 'region'],
      currency_data: { server: 'EU', faction: 'Alliance' },
    }, { token: seller.token });
    expect(res.status, res.text).toBe(201);
    const offer = res.body.data;
    expect(Object.keys(offer)).toEqual([
      'id', 'uuid', 'external_id', 'game', 'currency_unit', 'title', 'description', 'parameters', 'base_currency', 'status', 'delivery_time',
      'delivery_instructions', 'delivery_method', 'excluded_delivery_fields', 'stock', 'min_quantity', 'price_eur', 'price_usd', 'views',
      'icon_url', 'currency_order_ids', 'created_at', 'updated_at', 'listed_at',
    ]);
    expect(offer).toEqual({
      id: expect.any(Number),
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      external_id: null,
      game,
      currency_unit: unit,
      title: 'Offer Game 1K Gold',
      description: 'Gold delivered by mail',
      parameters: { server: 'EU', faction: 'Alliance' },
      base_currency: 'EUR',
      status: 'draft',
      delivery_time: { duration: 2, unit: 'hours', format: '2h', format_long: '2 hours', seconds: 7200 },
      delivery_instructions: null,
      delivery_method: 'mail',
      excluded_delivery_fields: ['password', 'region'],
      stock: 100000,
      min_quantity: 1000,
      price_eur: { format: '€0,015', format_readable: '€0,015 per 1K Gold', amount: 1.5, currency: 'EUR' },
      price_usd: { format: '$0.0162', format_readable: '$0.0162 per 1K Gold', amount: 1.62, currency: 'USD' },
      views: 0,
      icon_url: '',
      currency_order_ids: [],
      created_at: expect.any(Number),
      updated_at: offer.created_at,
      listed_at: null,
    });
    const read = await parley.api.get(`${CURRENCY_OFFERS.path}/${offer.id}`, { token: seller.token });
    expect(read.body).toEqual({ data: offer });
  });

  it('converts a USD price to EUR and defaults the unit to Gold', async () => {
    const seller = await parley.fixtures.user('seller');
    const res = await parley.api.post(CURRENCY_OFFERS.path, { ...CURRENCY_OFFERS.body(), game_id: game.id, price: 1.08, currency: 'USD' }, { token: seller.token });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({
      currency_unit: { slug: 'gold', currency_name: 'Gold', name: 'Gold', symbol: 'G', multiplier: 1 },
      title: 'Offer Game Gold',
      delivery_method: null,
      excluded_delivery_fields: [],
      price_eur: { format: '€1,00', amount: 100 },
      price_usd: { format: '$1.08', amount: 108 },
    });
  });
});

describe.each(OFFER_KINDS)('$path: ids', (kind) => {
  it('gives each new offer its own id, and the other kind does not see it', async () => {
    const seller = await parley.fixtures.user('seller');
    const a = await createOffer(parley, seller, kind, game.id);
    const b = await createOffer(parley, seller, kind, game.id);
    expect(b.id).toBeGreaterThan(a.id);
    const other = kind === ITEM_OFFERS ? CURRENCY_OFFERS : ITEM_OFFERS;
    const res = await parley.api.get(`${other.path}/${a.id}`, { token: seller.token });
    expect(res.status).toBe(404);
  });
});
