import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, expectValidationError } from '../get-account-orders/helpers.js';
import { createStockOffer, listOffer, purchase, purchasePath } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/account-offers/{account}/purchases -> 422, 404', () => {
  it('refuses an offer that is not listed, then one without stock, and names a bad buyer', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const offer = await createStockOffer(parley, seller);
    expectValidationError(await parley.admin.post(purchasePath(offer.id), { buyer_id: buyer.id }), { account_offer: ['The account offer is not listed.'] });
    await listOffer(parley, seller, offer.id);
    expectValidationError(await parley.admin.post(purchasePath(offer.id), { buyer_id: seller.id }), { buyer_id: ['The selected buyer id is invalid.'] });
    expectValidationError(await parley.admin.post(purchasePath(offer.id), {}), { buyer_id: ['The buyer id field is required.'] });
    await purchase(parley, offer.id, buyer);
    // Sold out: the offer turned sold, so it is no longer listed either.
    expectValidationError(await parley.admin.post(purchasePath(offer.id), { buyer_id: buyer.id }), { account_offer: ['The account offer is not listed.'] });
  });

  it('refuses a listed offer whose stock was deleted', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const offer = await createStockOffer(parley, seller);
    await listOffer(parley, seller, offer.id);
    const creds = await parley.api.get(`/v2/account-offers/${offer.id}/credentials`, { token: seller.token });
    expect((await parley.api.delete(`/v2/account-offers/${offer.id}/credentials/${creds.body.data[0].id}`, { token: seller.token })).status).toBe(204);
    expectValidationError(await parley.admin.post(purchasePath(offer.id), { buyer_id: buyer.id }), { account_offer: ['The account offer has no stock left.'] });
  });

  it('answers 404 for an unknown or deleted offer, and 403 for a non-admin key', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    expectErrorBody(await parley.admin.post(purchasePath(999999), { buyer_id: buyer.id }), 404, 'Resource not found.');
    expectErrorBody(await parley.admin.post(purchasePath('abc'), { buyer_id: buyer.id }), 404, 'Resource not found.');
    const offer = await createStockOffer(parley, seller);
    expect((await parley.api.delete(`/v2/account-offers/${offer.id}`, { token: seller.token })).status).toBe(204);
    expectErrorBody(await parley.admin.post(purchasePath(offer.id), { buyer_id: buyer.id }), 404, 'Resource not found.');
    expectErrorBody(await parley.api.post(purchasePath(offer.id), { buyer_id: buyer.id }, { token: seller.token }), 403, 'This action is unauthorized.');
  });
});
