import { expect } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import type { TestParley } from '../../support/parley.js';

/** Shared by the account offer suites: offers made through the public API, purchases through the admin API. */

export const OFFERS = '/v2/account-offers';
export const offerPath = (id: number | string, rest = '') => `${OFFERS}/${id}${rest}`;
export const purchasePath = (id: number | string) => `/admin/v1/account-offers/${id}/purchases`;

let games: Promise<{ id: number; name: string; slug: string }> | null = null;
let gamesOf: TestParley | null = null;

/** One game per server, made on first use. */
export async function defaultGame(parley: TestParley): Promise<{ id: number; name: string; slug: string }> {
  if (gamesOf !== parley) {
    gamesOf = parley;
    games = parley.fixtures.game('Offer Game');
  }
  return games!;
}

/** A new-format offer body with `credentials`. */
export async function stockBody(parley: TestParley, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const game = await defaultGame(parley);
  return {
    game_id: game.id,
    title: 'Stacked account',
    description: 'Level 30, many skins',
    price: 5.99,
    credentials: ['Login: a1\nPassword: p1'],
    ...fields,
  };
}

/** A legacy offer body (inline login/password). */
export async function legacyBody(parley: TestParley, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const game = await defaultGame(parley);
  return {
    game_id: game.id,
    title: 'Legacy account',
    description: 'One account',
    price: '12.50',
    login: 'smurf',
    password: 'hunter2',
    ...fields,
  };
}

export async function createStockOffer(parley: TestParley, seller: TestUser, fields: Record<string, unknown> = {}): Promise<any> {
  const res = await parley.api.post(`${OFFERS}/create`, await stockBody(parley, fields), { token: seller.token });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

export async function createLegacyOffer(parley: TestParley, seller: TestUser, fields: Record<string, unknown> = {}): Promise<any> {
  const res = await parley.api.post(OFFERS, await legacyBody(parley, fields), { token: seller.token });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

export async function listOffer(parley: TestParley, seller: TestUser, id: number): Promise<any> {
  const res = await parley.api.post(offerPath(id, '/list'), undefined, { token: seller.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

export async function purchase(parley: TestParley, offerId: number, buyer: TestUser): Promise<any> {
  const res = await parley.admin.post(purchasePath(offerId), { buyer_id: buyer.id });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

/** Unsold credentials of an offer: its stock. */
export async function stockOf(parley: TestParley, seller: TestUser, offerId: number): Promise<number> {
  const res = await parley.api.get(`${offerPath(offerId, '/credentials')}?filter[is_sold]=false`, { token: seller.token });
  expect(res.status, res.text).toBe(200);
  return res.body.meta.total;
}
