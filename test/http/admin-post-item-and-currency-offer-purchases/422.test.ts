import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectValidationError } from '../post-order-complete/helpers.js';
import { createOffer, listedOffer, OFFER_KINDS, purchasePath } from '../post-item-and-currency-offers/helpers.js';

let parley: TestParley;
let game: { id: number };
let seller: TestUser;
let buyer: TestUser;
beforeAll(async () => {
  parley = await startTestParley();
  game = await parley.fixtures.game();
  seller = await parley.fixtures.user('seller');
  buyer = await parley.fixtures.user('buyer');
});
afterAll(() => parley.close());

describe.each(OFFER_KINDS)('POST /admin/v1/$kind-offers/{offer}/purchases -> 422', (kind) => {
  const label = `${kind.kind} offer`;
  const stockOf = async (id: number) => (await parley.api.get(`${kind.path}/${id}`, { token: seller.token })).body.data.stock;
  const orderCount = async () => (await parley.api.get(kind.ordersPath, { token: seller.token })).body.meta.total;

  it('refuses an offer that is not listed (draft, archived), writing nothing', async () => {
    const before = await orderCount();
    const draft = await createOffer(parley, seller, kind, game.id, { stock: 5, min_quantity: 1 });
    expectValidationError(await parley.admin.post(purchasePath(kind, draft.id), { buyer_id: buyer.id, quantity: 1 }), { offer: [`The ${label} is not listed.`] });
    expect((await parley.api.post(`${kind.path}/${draft.id}/archive`, undefined, { token: seller.token })).status).toBe(200);
    expectValidationError(await parley.admin.post(purchasePath(kind, draft.id), { buyer_id: buyer.id, quantity: 1 }), { offer: [`The ${label} is not listed.`] });
    expect(await stockOf(draft.id)).toBe(5);
    expect(await orderCount()).toBe(before);
  });

  it('refuses quantities outside min_quantity..stock, and a sold-out offer', async () => {
    const offer = await listedOffer(parley, seller, kind, game.id, { stock: 5, min_quantity: 2 });
    expectValidationError(await parley.admin.post(purchasePath(kind, offer.id), { buyer_id: buyer.id, quantity: 1 }),
      { quantity: ["The quantity field must be at least 2 (the offer's minimum quantity)."] });
    expectValidationError(await parley.admin.post(purchasePath(kind, offer.id), { buyer_id: buyer.id, quantity: 6 }),
      { quantity: ["The quantity field must not be greater than 5 (the offer's stock)."] });
    expect((await parley.admin.post(purchasePath(kind, offer.id), { buyer_id: buyer.id, quantity: 5 })).status).toBe(201);
    expectValidationError(await parley.admin.post(purchasePath(kind, offer.id), { buyer_id: buyer.id, quantity: 2 }),
      { quantity: [`The ${label} is out of stock.`] });
  });

  it('refuses a buyer id that is not a buyer, and a bad body, next to each other', async () => {
    const offer = await listedOffer(parley, seller, kind, game.id, { stock: 5, min_quantity: 1 });
    expectValidationError(await parley.admin.post(purchasePath(kind, offer.id), { buyer_id: seller.id, quantity: 1 }), { buyer_id: ['The selected buyer id is invalid.'] });
    expectValidationError(await parley.admin.post(purchasePath(kind, offer.id), { quantity: 0 }), {
      buyer_id: ['The buyer id field is required.'],
      quantity: ['The quantity field must be at least 1.'],
    });
    expect(await stockOf(offer.id)).toBe(5);
  });
});
