import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { listedOffer, OFFER_KINDS, purchasePath } from '../post-item-and-currency-offers/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe.each(OFFER_KINDS)('POST /admin/v1/$kind-offers/{offer}/purchases, 20 at once', (kind) => {
  it('sells exactly the stock: 5 orders, stock 0, sold, the other 15 answer 422', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const offer = await listedOffer(parley, seller, kind, (await parley.fixtures.game()).id, { stock: 5, min_quantity: 1 });
    const answers = await Promise.all(Array.from({ length: 20 }, () =>
      parley.admin.post(purchasePath(kind, offer.id), { buyer_id: buyer.id, quantity: 1 })));
    const created = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 422);
    expect(created).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused) expect(r.body.errors).toEqual({ quantity: [`The ${kind.kind} offer is out of stock.`] });

    const after = await parley.api.get(`${kind.path}/${offer.id}`, { token: seller.token });
    expect(after.body.data).toMatchObject({ stock: 0, status: 'sold' });
    const orderIds = created.map((r) => r.body.data.id).sort((a, b) => a - b);
    expect([...after.body.data[`${kind.kind}_order_ids`]].sort((a: number, b: number) => a - b)).toEqual(orderIds);
    const orders = await parley.api.get(`${kind.path}/${offer.id}/orders?per_page=50`, { token: seller.token });
    expect(orders.body.meta.total).toBe(5);
    expect(orders.body.data.map((o: { quantity: number }) => o.quantity)).toEqual([1, 1, 1, 1, 1]);
  });
});
