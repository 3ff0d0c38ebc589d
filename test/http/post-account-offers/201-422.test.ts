import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, expectValidationError } from '../get-account-orders/helpers.js';
import { defaultGame, legacyBody, OFFERS, stockBody } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/account-offers (legacy) and /create', () => {
  it('creates a legacy draft by game slug, manual with its delivery time', async () => {
    const seller = await parley.fixtures.user('seller');
    const game = await defaultGame(parley);
    const body = await legacyBody(parley, { game_id: undefined, game: game.slug, is_manual: true, delivery_time: { duration: 3, unit: 'days' }, login: null, password: null, slug: 'My Own Slug!', account_data: { platform: 'PC' }, dump: 'og skins' });
    const res = await parley.api.post(OFFERS, body, { token: seller.token });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({
      status: 'draft', slug: 'my-own-slug', is_manual_delivery: true, parameters: { platform: 'PC' }, dump: 'og skins',
      delivery_time: { duration: 3, unit: 'days', format: '3d', format_long: '3 days', seconds: 259200 },
      credentials: { login: null, password: null }, price: { amount: 1250 },
    });
  });

  it('answers Laravel 422s: the credentials rule, price, game, login when instant, delivery time when manual', async () => {
    const seller = await parley.fixtures.user('seller');
    const as = { token: seller.token };
    expectValidationError(await parley.api.post(`${OFFERS}/create`, await stockBody(parley, { credentials: [] }), as), { credentials: ['At least one credential is required'] });
    expectValidationError(await parley.api.post(`${OFFERS}/create`, await stockBody(parley, { credentials: undefined }), as), { credentials: ['At least one credential is required'] });
    expectValidationError(await parley.api.post(`${OFFERS}/create`, await stockBody(parley, { credentials: ['x'.repeat(501)], price: 0.5, game_id: 999999 }), as), {
      'credentials.0': ['The credentials.0 field must not be greater than 500 characters.'],
      price: ['The price field must be at least 0.99.'],
      game_id: ['The selected game id is invalid.'],
    });
    expectValidationError(await parley.api.post(`${OFFERS}/create`, { credentials: ['a'], price: '1.234' }, as), {
      game_id: ['The game id field is required when game is not present.'],
      title: ['The title field is required.'],
      description: ['The description field is required.'],
      price: ['The price field must have 0-2 decimal places.'],
    });
    expectValidationError(await parley.api.post(OFFERS, await legacyBody(parley, { login: undefined, price: 'abc' }), as), {
      login: ['The login field is required when is manual is false.'],
      price: ['The price field must be a number.'],
    });
    expectValidationError(await parley.api.post(OFFERS, await legacyBody(parley, { is_manual: true }), as), {
      delivery_time: ['The delivery time field is required when is manual is true.'],
    });
    // Nothing was stored.
    const list = await parley.api.get(OFFERS, as);
    expect(list.body.meta.total).toBe(0);
  });

  it('only sellers create offers: 403 for a buyer or an admin key', async () => {
    const buyer = await parley.fixtures.user('buyer');
    expectErrorBody(await parley.api.post(`${OFFERS}/create`, await stockBody(parley), { token: buyer.token }), 403, 'This action is unauthorized.');
    expectErrorBody(await parley.admin.post(OFFERS, await legacyBody(parley)), 403, 'This action is unauthorized.');
  });
});
