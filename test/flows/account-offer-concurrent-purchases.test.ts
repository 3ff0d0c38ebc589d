import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('concurrent purchases of one account offer', () => {
  it('20 purchases of an offer with 5 credentials: exactly 5 orders, stock 0, no credential sold twice', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyers = await Promise.all(Array.from({ length: 4 }, () => parley.fixtures.user('buyer')));
    const game = await parley.fixtures.game('Race Game');
    const credentials = Array.from({ length: 5 }, (_, i) => `Login: racer${i}\nPassword: pw${i}`);
    const created = await parley.api.post('/v2/account-offers/create',
      { game_id: game.id, title: 'Race', description: 'Five accounts', price: 1.99, credentials }, { token: seller.token });
    expect(created.status, created.text).toBe(201);
    const offerId = created.body.data.id;
    expect((await parley.api.post(`/v2/account-offers/${offerId}/list`, undefined, { token: seller.token })).status).toBe(200);

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      parley.admin.post(`/admin/v1/account-offers/${offerId}/purchases`, { buyer_id: buyers[i % buyers.length]!.id })));

    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    expect(won).toHaveLength(5);
    for (const r of lost) {
      expect(r.status, r.text).toBe(422);
      // The losers see the offer sold out or no longer listed (it turns sold with the last unit).
      expect(Object.values(r.body.errors).flat()[0]).toMatch(/no stock left|not listed/);
    }
    const sold = won.map((r) => r.body.data.credentials);
    expect(new Set(sold).size).toBe(5);
    expect([...sold].sort()).toEqual([...credentials].sort());

    const offer = await parley.api.get(`/v2/account-offers/${offerId}`, { token: seller.token });
    expect(offer.body.data.status).toBe('sold');
    expect([...offer.body.data.account_order_ids].sort((a: number, b: number) => a - b))
      .toEqual(won.map((r) => r.body.data.id).sort((a: number, b: number) => a - b));
    const stock = await parley.api.get(`/v2/account-offers/${offerId}/credentials?per_page=50`, { token: seller.token });
    expect(stock.body.data.every((c: any) => c.is_sold)).toBe(true);
    expect(new Set(stock.body.data.map((c: any) => c.account_order_id)).size).toBe(5);
    // Exactly five orders of this offer exist.
    const orders = await parley.api.get(`/v2/account-orders?filter[account_offer_id]=${offerId}`, { token: seller.token });
    expect(orders.body.meta.total).toBe(5);
    // In the database too: each credential row sold once, to a distinct order.
    const rows = parley.readDb((db) => db.prepare('select account_order_id from account_offer_credentials where account_offer_id = ?').all(offerId)) as { account_order_id: number }[];
    expect(new Set(rows.map((r) => Number(r.account_order_id))).size).toBe(5);
  });
});
