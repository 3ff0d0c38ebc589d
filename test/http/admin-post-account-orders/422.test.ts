import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows } from './helpers.js';

let parley: TestParley;
let seller: TestUser;
let buyer: TestUser;
let admin: TestUser;
let game: { id: number };

beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
  buyer = await parley.fixtures.user('buyer');
  admin = await parley.fixtures.user('admin');
  game = await parley.fixtures.game();
});
afterAll(() => parley.close());

const PRICE_MESSAGE = 'The price field must be a decimal amount with at most 2 decimal places.';
const UNKNOWN_USER_ID = 999_999;

/** Posts a valid order overridden by `fields` (undefined removes a field); expects exactly `errors` and no new row. */
async function expectErrors(fields: Record<string, unknown>, errors: Record<string, string[]>) {
  const body: Record<string, unknown> = { seller_id: seller.id, buyer_id: buyer.id, game_id: game.id, title: 'Account', price: '10.00', ...fields };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  const orders = countRows(parley, 'orders');
  const messages = countRows(parley, 'messages');
  const res = await parley.admin.post('/admin/v1/account-orders', body);
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(countRows(parley, 'orders')).toBe(orders);
  expect(countRows(parley, 'messages')).toBe(messages);
}

describe('POST /admin/v1/account-orders -> 422', () => {
  it('rejects an unknown seller_id, a buyer as seller and an admin as seller', async () => {
    const invalid = { seller_id: ['The selected seller id is invalid.'] };
    await expectErrors({ seller_id: UNKNOWN_USER_ID }, invalid);
    await expectErrors({ seller_id: buyer.id }, invalid);
    await expectErrors({ seller_id: admin.id }, invalid);
  });

  it('rejects an unknown buyer_id, a seller as buyer and an admin as buyer', async () => {
    const invalid = { buyer_id: ['The selected buyer id is invalid.'] };
    await expectErrors({ buyer_id: UNKNOWN_USER_ID }, invalid);
    await expectErrors({ buyer_id: seller.id }, invalid);
    await expectErrors({ buyer_id: admin.id }, invalid);
  });

  it('rejects an unknown game_id', async () => {
    await expectErrors({ game_id: UNKNOWN_USER_ID }, { game_id: ['The selected game id is invalid.'] });
  });

  it.each(['12.345', '-1', 'abc', '1,50', '12.', '.5', '1e3', '0x10', -1, 12.345, -0.5])('rejects the price %j', async (price) => {
    await expectErrors({ price }, { price: [PRICE_MESSAGE] });
  });

  it('rejects a bad price_usd with its own field name', async () => {
    await expectErrors({ price_usd: '1.234' }, { price_usd: ['The price usd field must be a decimal amount with at most 2 decimal places.'] });
  });

  it('requires the title, treating a blank one as missing', async () => {
    const required = { title: ['The title field is required.'] };
    await expectErrors({ title: undefined }, required);
    await expectErrors({ title: null }, required);
    await expectErrors({ title: '' }, required);
    await expectErrors({ title: '   \n' }, required);
  });

  it('rejects a title of 256 characters', async () => {
    await expectErrors({ title: 'x'.repeat(256) }, { title: ['The title field must not be greater than 255 characters.'] });
  });

  it('rejects an unknown status', async () => {
    await expectErrors({ status: 'shipped' }, { status: ['The selected status is invalid.'] });
    await expectErrors({ status: 'PENDING' }, { status: ['The selected status is invalid.'] });
  });

  it('requires the seller and the buyer', async () => {
    await expectErrors({ seller_id: undefined }, { seller_id: ['The seller id field is required.'] });
    await expectErrors({ buyer_id: undefined }, { buyer_id: ['The buyer id field is required.'] });
    await expectErrors({ seller_id: null, buyer_id: '' }, { seller_id: ['The seller id field is required.'], buyer_id: ['The buyer id field is required.'] });
  });

  it('rejects ids sent as strings or fractions (no type juggling)', async () => {
    await expectErrors({ seller_id: String(seller.id) }, { seller_id: ['The seller id field must be an integer.'] });
    await expectErrors({ seller_id: '7' }, { seller_id: ['The seller id field must be an integer.'] });
    await expectErrors({ buyer_id: String(buyer.id) }, { buyer_id: ['The buyer id field must be an integer.'] });
    await expectErrors({ game_id: String(game.id) }, { game_id: ['The game id field must be an integer.'] });
    await expectErrors({ seller_id: seller.id + 0.5 }, { seller_id: ['The seller id field must be an integer.'] });
  });

  it('reports every invalid field of the body at once', async () => {
    await expectErrors(
      { seller_id: '7', buyer_id: 'x', title: undefined, status: 'shipped' },
      {
        seller_id: ['The seller id field must be an integer.'],
        buyer_id: ['The buyer id field must be an integer.'],
        title: ['The title field is required.'],
        status: ['The selected status is invalid.'],
      },
    );
  });

  it('reports every unknown reference and bad amount at once', async () => {
    await expectErrors(
      { seller_id: UNKNOWN_USER_ID, buyer_id: UNKNOWN_USER_ID, game_id: UNKNOWN_USER_ID, price: 'abc', price_usd: '-1' },
      {
        seller_id: ['The selected seller id is invalid.'],
        buyer_id: ['The selected buyer id is invalid.'],
        game_id: ['The selected game id is invalid.'],
        price: [PRICE_MESSAGE],
        price_usd: ['The price usd field must be a decimal amount with at most 2 decimal places.'],
      },
    );
  });

  it('reports a missing title together with an unknown seller and a bad price', async () => {
    await expectErrors(
      { title: undefined, seller_id: UNKNOWN_USER_ID, price: '12.345' },
      {
        seller_id: ['The selected seller id is invalid.'],
        title: ['The title field is required.'],
        price: [PRICE_MESSAGE],
      },
    );
  });

  it('rejects an empty body with the required fields', async () => {
    const orders = countRows(parley, 'orders');
    const res = await parley.admin.post('/admin/v1/account-orders', {});
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors).toMatchObject({
      seller_id: ['The seller id field is required.'],
      buyer_id: ['The buyer id field is required.'],
      title: ['The title field is required.'],
    });
    expect(countRows(parley, 'orders')).toBe(orders);
  });

  it('rejects an order without game_id when no game exists yet', async () => {
    const empty = await startTestParley();
    try {
      const s = await empty.fixtures.user('seller');
      const b = await empty.fixtures.user('buyer');
      const res = await empty.admin.post('/admin/v1/account-orders', { seller_id: s.id, buyer_id: b.id, title: 'No game' });
      expect(res.status, res.text).toBe(422);
      expect(Object.keys(res.body.errors)).toEqual(['game_id']);
      expect(res.body.errors.game_id).toHaveLength(1);
      expect(res.body.errors.game_id[0]).toMatch(/^The game id field/);
      expect(empty.readDb((db) => db.prepare('select count(*) as n from orders').get())).toEqual({ n: 0 });
    } finally {
      await empty.close();
    }
  });
});
