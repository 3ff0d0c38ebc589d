import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createLegacyOffer, createStockOffer, listOffer, offerPath, purchase } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/account-offers/{account}/purchases -> 201', () => {
  it('a manual new-format offer: the order starts pending without credentials; the credential is still sold to it', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const offer = await createStockOffer(parley, seller, {
      is_manual: true, delivery_time: { duration: 2, unit: 'hours' }, delivery_instructions: 'Add me first', image_urls: ['https://img.example/1.jpg'],
    });
    await listOffer(parley, seller, offer.id);
    const order = await purchase(parley, offer.id, buyer);
    expect(order).toMatchObject({
      status: 'pending', credentials: null, is_manual_delivery: true, delivery_instructions: 'Add me first',
      image_urls: ['https://img.example/1.jpg'], delivery_time: { duration: 2, unit: 'hours', format: '2h' },
    });
    const creds = await parley.api.get(offerPath(offer.id, '/credentials'), { token: seller.token });
    expect(creds.body.data[0]).toMatchObject({ is_sold: true, account_order_id: order.id });
    // Its only unit is gone: the offer is sold.
    const after = await parley.api.get(offerPath(offer.id), { token: seller.token });
    expect(after.body.data).toMatchObject({ status: 'sold', account_order_ids: [order.id] });
    // The seller delivers through the order's credentials route.
    const delivered = await parley.api.patch(`/v2/account-orders/${order.id}/credentials`, { credentials: 'Login: x' }, { token: seller.token });
    expect(delivered.status, delivered.text).toBe(200);
  });

  it('a legacy instant offer: its inline account, in_delivery, then sold', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const offer = await createLegacyOffer(parley, seller, { email_login: 'me@mail.test' });
    await listOffer(parley, seller, offer.id);
    const order = await purchase(parley, offer.id, buyer);
    expect(order).toMatchObject({ status: 'in_delivery', credentials: 'Login: smurf\nPassword: hunter2\nEmail Login: me@mail.test', account_offer_id: offer.id });
    const thread = await parley.admin.get(`/v2/account-orders/${order.id}/messages`);
    expect(thread.body.data).toHaveLength(1);
    expect(thread.body.data[0].type).toBe('system_message');
    const after = await parley.api.get(offerPath(offer.id), { token: seller.token });
    expect(after.body.data.status).toBe('sold');
  });

  it('keeps credentials sealed at rest, bound to their rows', async () => {
    const seller = await parley.fixtures.user('seller');
    const offer = await createStockOffer(parley, seller, { credentials: ['Login: plain-secret-1'] });
    const legacy = await createLegacyOffer(parley, seller, { password: 'plain-secret-2' });
    const rows = parley.readDb((db) => [
      ...db.prepare('select credentials from account_offer_credentials where account_offer_id = ?').all(offer.id),
      ...db.prepare('select credentials from account_offers where id = ?').all(legacy.id),
    ]) as { credentials: string }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.credentials).toMatch(/^v2:/);
      expect(row.credentials).not.toContain('plain-secret');
    }
  });
});
