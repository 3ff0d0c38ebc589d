import { describe, expect, it } from 'vitest';
import { createEndpoint } from '../webhooks/helpers.js';
import { expectSignedDelivery, waitFor } from '../webhooks/receiver.js';
import { receiverAndParley } from '../webhooks/helpers.js';

/** The whole life of a new-format account offer, through the public and the admin APIs only. */
const ctx = receiverAndParley({ PARLEY_WEBHOOK_POLL_MS: '25' });

describe('account offer -> purchases -> orders (flow)', () => {
  it('sells one credential per purchase, delivers signed webhooks, and the order lives on as any other', async () => {
    const { parley, receiver } = ctx;
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const otherBuyer = await parley.fixtures.user('buyer');
    const game = await parley.fixtures.game('Flow Game');
    const path = receiver.newPath();
    const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), ['account.order.purchased']);
    const as = { token: seller.token };

    // Create a new-format offer with three credentials, and list it.
    const credentials = ['Login: one\nPassword: p1', 'Login: two\nPassword: p2', 'Login: three\nPassword: p3'];
    const created = await parley.api.post('/v2/account-offers/create', {
      game_id: game.id, title: 'Diamond account', description: 'Ranked ready', price: '9.99', credentials, account_data: { server: 'EUW' },
    }, as);
    expect(created.status, created.text).toBe(201);
    const offerId = created.body.data.id;
    expect(created.body.data.status).toBe('draft');
    const listed = await parley.api.post(`/v2/account-offers/${offerId}/list`, undefined, as);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body).toMatchObject({ action: 'list', previous_status: 'draft', data: { status: 'listed' } });
    expect(listed.body.data.listed_at).toEqual(expect.any(Number));

    // Purchase twice.
    const orders = [];
    for (const who of [buyer, otherBuyer]) {
      const res = await parley.admin.post(`/admin/v1/account-offers/${offerId}/purchases`, { buyer_id: who.id });
      expect(res.status, res.text).toBe(201);
      orders.push(res.body.data);
    }

    // Two orders, each with its own credential, the oldest first, delivered at once.
    expect(orders.map((o) => o.credentials)).toEqual([credentials[0], credentials[1]]);
    for (const [i, order] of orders.entries()) {
      expect(order).toMatchObject({
        account_offer_id: offerId, status: 'in_delivery', title: 'Diamond account', description: 'Ranked ready',
        parameters: { server: 'EUW' }, is_manual_delivery: false, game: { id: game.id },
        price: { amount: 999 }, buyer: { id: [buyer, otherBuyer][i]!.id },
        delivery_time: { format: 'Instant' },
      });
      const seen = await parley.api.get(`/v2/account-orders/${order.id}`, as);
      expect(seen.status, seen.text).toBe(200);
      expect(seen.body.data.credentials).toBe(credentials[i]);
    }

    // The offer: stock at one, still listed, both orders on it; sold credentials point at them.
    const offer = await parley.api.get(`/v2/account-offers/${offerId}`, as);
    expect(offer.body.data.status).toBe('listed');
    expect(offer.body.data.account_order_ids).toEqual(orders.map((o) => o.id));
    const stock = await parley.api.get(`/v2/account-offers/${offerId}/credentials`, as);
    expect(stock.body.data.map((c: any) => [c.credentials, c.is_sold, c.account_order_id])).toEqual([
      [credentials[0], true, orders[0].id],
      [credentials[1], true, orders[1].id],
      [credentials[2], false, null],
    ]);
    const unsold = await parley.api.get(`/v2/account-offers/${offerId}/credentials?filter[is_sold]=false`, as);
    expect(unsold.body.meta.total).toBe(1);

    // The purchased webhooks, signed, with the order as payload and no credentials.
    await waitFor(() => receiver.on(path).length >= 2, 5000, 'two purchased webhooks');
    const deliveries = receiver.on(path).map((req) => expectSignedDelivery(req, [endpoint.secret], { topic: 'account.order.purchased' }));
    expect(deliveries.map((d) => d.payload.id).sort()).toEqual(orders.map((o) => o.id).sort());
    for (const d of deliveries) {
      expect(d.payload.credentials).toBeNull();
      expect(d.payload.account_offer_id).toBe(offerId);
    }

    // Chat on the order: the system message of the purchase, then the seller and the buyer.
    const order = orders[0];
    const buyerToken = { token: buyer.token };
    expect((await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'Enjoy!' }, as)).status).toBe(200);
    expect((await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'Thanks, works.' }, buyerToken)).status).toBe(200);
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, as);
    expect(thread.status, thread.text).toBe(200);
    expect(thread.body.data.map((m: any) => [m.type, m.text])).toEqual([
      ['system_message', expect.stringContaining('Diamond account')],
      ['user_message', 'Enjoy!'],
      ['user_message', 'Thanks, works.'],
    ]);

    // Complete it (account orders complete through the admin status change).
    const done = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'delivered' });
    expect(done.status, done.text).toBe(200);
    expect(done.body.data.status).toBe('delivered');
    expect(done.body.data.completed_at).toEqual(expect.any(Number));
  });
});
