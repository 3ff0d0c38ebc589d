import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, expectValidationError, MESSAGES } from '../post-order-complete/helpers.js';
import { createOffer, CURRENCY_OFFERS, ITEM_OFFERS, listedOffer, OFFER_KINDS } from '../post-item-and-currency-offers/helpers.js';

let parley: TestParley;
let game: { id: number; name: string; slug: string };
beforeAll(async () => {
  parley = await startTestParley();
  const { id, name, slug } = await parley.fixtures.game('Patch Game');
  // Orders and offers embed the game as {id, name, slug}.
  game = { id, name, slug };
});
afterAll(() => parley.close());

describe('PATCH /v2/item-offers/{itemOffer} -> 200', () => {
  it('changes only the given fields; prices as numeric strings, as strict clients send them', async () => {
    const seller = await parley.fixtures.user('seller');
    const offer = await createOffer(parley, seller, ITEM_OFFERS, game.id);
    const res = await parley.api.patch(`${ITEM_OFFERS.path}/${offer.id}`, { price: '12.500000', stock: 3, min_quantity: '2' }, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual({
      ...offer,
      price_eur: { format: '€12,50', value: 12.5, amount: 1250, currency: { symbol: '€', code: 'EUR' } },
      price_usd: { format: '$13.50', value: 13.5, amount: 1350, currency: { symbol: '$', code: 'USD' } },
      stock: 3,
      min_quantity: 2,
      updated_at: expect.any(Number),
    });
    const empty = await parley.api.patch(`${ITEM_OFFERS.path}/${offer.id}`, {}, { token: seller.token });
    expect(empty.body.data).toMatchObject({ stock: 3, title: offer.title });
  });

  it('moves a listed offer to sold at stock 0 and back to listed when restocked', async () => {
    const seller = await parley.fixtures.user('seller');
    const offer = await listedOffer(parley, seller, ITEM_OFFERS, game.id);
    expect((await parley.api.patch(`${ITEM_OFFERS.path}/${offer.id}`, { stock: 0 }, { token: seller.token })).body.data.status).toBe('sold');
    expect((await parley.api.patch(`${ITEM_OFFERS.path}/${offer.id}`, { stock: 1 }, { token: seller.token })).body.data.status).toBe('listed');
  });
});

describe('PATCH /v2/currency-offers/{currencyOffer} -> 200', () => {
  it('converts a USD price and renames the offer after a new unit', async () => {
    const seller = await parley.fixtures.user('seller');
    const offer = await createOffer(parley, seller, CURRENCY_OFFERS, game.id);
    const unit = { slug: 'robux', currency_name: 'Robux', name: 'Robux', symbol: 'R$', multiplier: 1 };
    const res = await parley.api.patch(`${CURRENCY_OFFERS.path}/${offer.id}`, { price: '0.0108', currency: 'USD', currency_unit: unit }, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({
      title: 'Patch Game Robux',
      uuid: offer.uuid,
      price_eur: { format: '€0,01', amount: 1, currency: 'EUR' },
      price_usd: { format: '$0.0108', amount: 1.08, currency: 'USD' },
    });
  });
});

describe.each(OFFER_KINDS)('PATCH $path/{id} -> 404 and 422', (kind) => {
  it("answers 404 for another seller's offer, before its body's 422; admin keys reach any offer", async () => {
    const owner = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const offer = await createOffer(parley, owner, kind, game.id);
    expectError(await parley.api.patch(`${kind.path}/${offer.id}`, { price: 'x' }, { token: other.token }), 404, MESSAGES.notFound);
    expectError(await parley.api.patch(`${kind.path}/987654321`, { stock: 1 }, { token: owner.token }), 404, MESSAGES.notFound);
    expectError(await parley.api.get(`${kind.path}/${offer.id}`, { token: other.token }), 404, MESSAGES.notFound);
    expect((await parley.api.patch(`${kind.path}/${offer.id}`, { stock: 2 }, { token: parley.adminToken })).body.data.stock).toBe(2);
  });

  it('refuses null for a field strict clients need, and bad values, writing nothing', async () => {
    const seller = await parley.fixtures.user('seller');
    const offer = await createOffer(parley, seller, kind, game.id);
    expectValidationError(await parley.api.patch(`${kind.path}/${offer.id}`, { description: null, stock: 'many', price: -1 }, { token: seller.token }), {
      description: ['The description field is required.'],
      stock: ['The stock field must be an integer.'],
      price: ['The price field must be at least 0.01.'.replace('0.01', kind.kind === 'item' ? '0.01' : '0.000001')],
    });
    expect((await parley.api.get(`${kind.path}/${offer.id}`, { token: seller.token })).body.data).toEqual(offer);
  });
});
