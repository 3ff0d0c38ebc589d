import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, expectValidationError, MESSAGES } from '../post-order-complete/helpers.js';
import { CURRENCY_OFFERS, ITEM_OFFERS } from './helpers.js';

let parley: TestParley;
let seller: TestUser;
let game: { id: number };
beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
  game = await parley.fixtures.game();
});
afterAll(() => parley.close());

const post = (path: string, body: unknown, token = seller.token) => parley.api.post(path, body, { token });

describe('POST /v2/item-offers -> 422', () => {
  it('names every missing field, the game rule included', async () => {
    expectValidationError(await post(ITEM_OFFERS.path, {}), {
      title: ['The title field is required.'],
      description: ['The description field is required.'],
      price: ['The price field is required.'],
      stock: ['The stock field is required.'],
      delivery_time: ['The delivery time field is required.'],
      game_id: ['The game id field is required when game is not present.'],
    });
  });

  it('applies the documented limits: title 255, description 2048, price >= 0.01 with 2 decimals, stock 0..1e9', async () => {
    expectValidationError(await post(ITEM_OFFERS.path, {
      ...ITEM_OFFERS.body(), game_id: game.id, title: 'x'.repeat(256), description: 'y'.repeat(2049), price: 0.001, stock: 1_000_000_001, min_quantity: 0,
    }), {
      title: ['The title field must not be greater than 255 characters.'],
      description: ['The description field must not be greater than 2048 characters.'],
      price: ['The price field must be at least 0.01.'],
      stock: ['The stock field must not be greater than 1000000000.'],
      min_quantity: ['The min quantity field must be at least 1.'],
    });
    expectValidationError(await post(ITEM_OFFERS.path, { ...ITEM_OFFERS.body(), game_id: game.id, price: '1.234', stock: '-1' }), {
      price: ['The price field must have 0-2 decimal places.'],
      stock: ['The stock field must be at least 0.'],
    });
    expectValidationError(await post(ITEM_OFFERS.path, { ...ITEM_OFFERS.body(), game_id: game.id, price: 'cheap', stock: '1.5' }), {
      price: ['The price field must be a number.'],
      stock: ['The stock field must be an integer.'],
    });
  });

  it('refuses an unknown game, by id or by slug', async () => {
    expectValidationError(await post(ITEM_OFFERS.path, { ...ITEM_OFFERS.body(), game_id: 987654 }), { game_id: ['The selected game id is invalid.'] });
    expectValidationError(await post(ITEM_OFFERS.path, { ...ITEM_OFFERS.body(), game: 'no-such-game' }), { game: ['The selected game is invalid.'] });
  });
});

describe('POST /v2/currency-offers -> 422', () => {
  it('takes up to 6 decimals, EUR or USD, the delivery enums, and no excluded field the method needs', async () => {
    expectValidationError(await post(CURRENCY_OFFERS.path, {
      ...CURRENCY_OFFERS.body(), game_id: game.id, price: '0.0000001', currency: 'GBP', delivery_method: 'pigeon', excluded_delivery_fields: ['email'],
      description: 'd'.repeat(5029),
    }), {
      price: ['The price field must be at least 0.000001.'],
      currency: ['The selected currency is invalid.'],
      delivery_method: ['The selected delivery method is invalid.'],
      'excluded_delivery_fields.0': ['The selected excluded delivery fields.0 is invalid.'],
      description: ['The description field must not be greater than 5028 characters.'],
    });
    expectValidationError(await post(CURRENCY_OFFERS.path, { ...CURRENCY_OFFERS.body(), game_id: game.id, price: 0.1234567 }), {
      price: ['The price field must have 0-6 decimal places.'],
    });
    expectValidationError(await post(CURRENCY_OFFERS.path, {
      ...CURRENCY_OFFERS.body(), game_id: game.id, delivery_method: 'login', excluded_delivery_fields: ['password', 'region'],
    }), { excluded_delivery_fields: ['The excluded delivery fields field must not contain password: the delivery method login needs it.'] });
    expectValidationError(await post(CURRENCY_OFFERS.path, {
      ...CURRENCY_OFFERS.body(), game_id: game.id, currency_unit: { slug: 'g', currency_name: 'Gold', name: 'Gold', symbol: 'G', multiplier: 1.5 },
    }), { 'currency_unit.multiplier': ['The currency unit.multiplier field must be an integer.'] });
  });
});

describe('POST /v2/{item|currency}-offers -> 403', () => {
  it('lets only sellers create offers (buyers and admins: 403, before the body is looked at)', async () => {
    const buyer = await parley.fixtures.user('buyer');
    for (const token of [buyer.token, parley.adminToken]) {
      expectError(await post(ITEM_OFFERS.path, {}, token), 403, MESSAGES.unauthorized);
      expectError(await post(CURRENCY_OFFERS.path, { ...CURRENCY_OFFERS.body(), game_id: game.id }, token), 403, MESSAGES.unauthorized);
    }
    expect((await parley.api.get(ITEM_OFFERS.path, { token: seller.token })).body.data).toEqual([]);
  });
});
