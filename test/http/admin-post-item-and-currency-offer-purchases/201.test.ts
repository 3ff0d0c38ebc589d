import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createEndpoint, withoutCredentials } from '../../webhooks/helpers.js';
import { expectSignedDelivery, Receiver, waitFor } from '../../webhooks/receiver.js';
import { CURRENCY_OFFERS, ITEM_OFFERS, listedOffer, purchasePath } from '../post-item-and-currency-offers/helpers.js';

let parley: TestParley;
let receiver: Receiver;
let game: { id: number; name: string; slug: string };
beforeAll(async () => {
  receiver = await Receiver.start();
  parley = await startTestParley({ PARLEY_WEBHOOK_POLL_MS: '25' });
  const { id, name, slug } = await parley.fixtures.game('Purchase Game');
  // Orders and offers embed the game as {id, name, slug}.
  game = { id, name, slug };
});
afterAll(async () => {
  await receiver?.close();
  await parley?.close();
});

describe('POST /admin/v1/item-offers/{itemOffer}/purchases -> 201', () => {
  it("creates the order from the offer's snapshot, takes the stock, records the order, opens the thread and sends item.order.purchased", async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const path = receiver.newPath();
    const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), ['item.order.purchased']);
    const offer = await listedOffer(parley, seller, ITEM_OFFERS, game.id, {
      price: '2.50', stock: 5, min_quantity: 2, item_data: { rarity: 'epic' }, delivery_time: { duration: 20, unit: 'minutes' },
    });

    const res = await parley.admin.post(purchasePath(ITEM_OFFERS, offer.id), { buyer_id: buyer.id, quantity: 3 });
    expect(res.status, res.text).toBe(201);
    const order = res.body.data;
    expect(order).toMatchObject({
      item_offer_id: offer.id,
      game,
      buyer: { id: buyer.id, username: buyer.username },
      title: offer.title,
      description: offer.description,
      quantity: 3,
      parameters: { rarity: 'epic' },
      status: 'pending',
      delivery_time: offer.delivery_time,
      price_eur: { amount: 750, format: '€7,50' },
      price_usd: { amount: 810 },
      unit_price_eur: offer.price_eur,
      unit_price_usd: offer.price_usd,
    });
    // The seller sees it among their sales and under the offer.
    const read = await parley.api.get(`/v2/item-orders/${order.id}`, { token: seller.token });
    expect(read.body.data).toEqual(order);
    const ofOffer = await parley.api.get(`/v2/item-offers/${offer.id}/orders`, { token: seller.token });
    expect(ofOffer.body.data).toEqual([order]);

    const after = await parley.api.get(`/v2/item-offers/${offer.id}`, { token: seller.token });
    expect(after.body.data).toMatchObject({ status: 'listed', stock: 2, item_order_ids: [order.id] });

    const thread = await parley.api.get(`/v2/item-orders/${order.id}/messages`, { token: buyer.token });
    expect(thread.body.data).toHaveLength(1);
    expect(thread.body.data[0]).toMatchObject({ type: 'system_message', text: `${buyer.username} purchased 3 × ${offer.title}.` });

    await waitFor(() => receiver.on(path).length >= 1, 5000, 'item.order.purchased');
    const delivery = expectSignedDelivery(receiver.on(path)[0]!, [endpoint.secret], { topic: 'item.order.purchased' });
    expect(delivery.payload).toEqual(withoutCredentials(order));
  });

  it('buys the min_quantity by default and marks the offer sold when the last units go', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const offer = await listedOffer(parley, seller, ITEM_OFFERS, game.id, { stock: 4, min_quantity: 2 });
    const first = await parley.admin.post(purchasePath(ITEM_OFFERS, offer.id), { buyer_id: buyer.id });
    expect(first.status, first.text).toBe(201);
    expect(first.body.data.quantity).toBe(2);
    const second = await parley.admin.post(purchasePath(ITEM_OFFERS, offer.id), { buyer_id: buyer.id, quantity: 2 });
    expect(second.status, second.text).toBe(201);
    const after = await parley.api.get(`/v2/item-offers/${offer.id}`, { token: seller.token });
    expect(after.body.data).toMatchObject({ status: 'sold', stock: 0, item_order_ids: [first.body.data.id, second.body.data.id] });
    // Restocking lists it again.
    const restocked = await parley.api.patch(`/v2/item-offers/${offer.id}`, { stock: 3 }, { token: seller.token });
    expect(restocked.body.data).toMatchObject({ status: 'listed', stock: 3 });
  });
});

describe('POST /admin/v1/currency-offers/{currencyOffer}/purchases -> 201', () => {
  it('keeps the exact unit price (6 decimals), prices the order unit x quantity, and sends currency.order.purchased', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const path = receiver.newPath();
    const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), ['currency.order.purchased']);
    const unit = { slug: 'k-gold', currency_name: 'Gold', name: '1K Gold', symbol: 'G', multiplier: 1000 };
    const offer = await listedOffer(parley, seller, CURRENCY_OFFERS, game.id, { price: '0.015', stock: 5000, min_quantity: 1000, currency_unit: unit });

    const res = await parley.admin.post(purchasePath(CURRENCY_OFFERS, offer.id), { buyer_id: buyer.id, quantity: 1001 });
    expect(res.status, res.text).toBe(201);
    const order = res.body.data;
    expect(order).toMatchObject({
      currency_offer_id: offer.id,
      title: offer.title,
      quantity: 1001,
      currency_unit: unit,
      status: 'pending',
      credentials: null,
      // 0.015 x 1001 = 15.015, rounded half up to the cent.
      price_eur: { amount: 1502, format: '€15,02' },
      unit_price_eur: { format: '€0,015', format_readable: '€0,015 per 1K Gold', amount: 1.5, currency: 'EUR' },
      unit_price_usd: offer.price_usd,
    });
    const after = await parley.api.get(`/v2/currency-offers/${offer.id}`, { token: seller.token });
    expect(after.body.data).toMatchObject({ status: 'listed', stock: 3999, currency_order_ids: [order.id] });

    await waitFor(() => receiver.on(path).length >= 1, 5000, 'currency.order.purchased');
    const delivery = expectSignedDelivery(receiver.on(path)[0]!, [endpoint.secret], { topic: 'currency.order.purchased' });
    expect(delivery.payload).toEqual(withoutCredentials(order));
  });
});
