import { expect } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import type { TestParley } from '../../support/parley.js';

/** The two kinds of offer as the suites address them. */
export interface OfferKindCase {
  kind: 'item' | 'currency';
  path: string;
  ordersPath: string;
  adminOrdersPath: string;
  offerField: 'item_offer_id' | 'currency_offer_id';
  label: string;
  /** A valid create body (without the game). */
  body(): Record<string, unknown>;
}

export const ITEM_OFFERS: OfferKindCase = {
  kind: 'item',
  path: '/v2/item-offers',
  ordersPath: '/v2/item-orders',
  adminOrdersPath: '/admin/v1/item-orders',
  offerField: 'item_offer_id',
  label: 'Item offer',
  body: () => ({
    title: 'Legendary sword',
    description: 'Traded in game within the hour',
    price: 2.5,
    stock: 10,
    delivery_time: { duration: 1, unit: 'hours' },
  }),
};

export const CURRENCY_OFFERS: OfferKindCase = {
  kind: 'currency',
  path: '/v2/currency-offers',
  ordersPath: '/v2/currency-orders',
  adminOrdersPath: '/admin/v1/currency-orders',
  offerField: 'currency_offer_id',
  label: 'Currency offer',
  body: () => ({
    description: 'Gold delivered by mail',
    price: '0.015',
    stock: 100000,
    min_quantity: 1000,
    delivery_time: { duration: 2, unit: 'hours' },
  }),
};

export const OFFER_KINDS = [ITEM_OFFERS, CURRENCY_OFFERS] as const;

/** Creates an offer through the API, expecting 201. */
export async function createOffer(parley: TestParley, seller: TestUser, kind: OfferKindCase, gameId: number, fields: Record<string, unknown> = {}): Promise<any> {
  const res = await parley.api.post(kind.path, { ...kind.body(), game_id: gameId, ...fields }, { token: seller.token });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

/** Creates an offer and lists it. */
export async function listedOffer(parley: TestParley, seller: TestUser, kind: OfferKindCase, gameId: number, fields: Record<string, unknown> = {}): Promise<any> {
  const offer = await createOffer(parley, seller, kind, gameId, fields);
  const res = await parley.api.post(`${kind.path}/${offer.id}/list`, undefined, { token: seller.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

export const purchasePath = (kind: OfferKindCase, id: number | string) => `/admin/v1/${kind.kind}-offers/${id}/purchases`;
