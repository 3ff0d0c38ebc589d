import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, expectValidationError } from '../get-account-orders/helpers.js';
import { createLegacyOffer, createStockOffer, offerPath } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('PATCH and DELETE /v2/account-offers/{account}', () => {
  it('changes only what is sent; price as a numeric string', async () => {
    const seller = await parley.fixtures.user('seller');
    const offer = await createStockOffer(parley, seller, { account_data: { server: 'EU' } });
    const res = await parley.api.patch(offerPath(offer.id), { price: '12.500000', title: 'Renamed' }, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ title: 'Renamed', slug: offer.slug, description: offer.description, parameters: { server: 'EU' }, price: { amount: 1250, format: '€12,50' } });
    const manual = await parley.api.patch(offerPath(offer.id), { is_manual: true, delivery_time: { duration: 30, unit: 'minutes' } }, { token: seller.token });
    expect(manual.body.data).toMatchObject({ is_manual_delivery: true, delivery_time: { duration: 30, unit: 'minutes' } });
    const legacy = await createLegacyOffer(parley, seller);
    const relogin = await parley.api.patch(offerPath(legacy.id), { password: 'new-pass' }, { token: seller.token });
    expect(relogin.body.data.credentials).toMatchObject({ login: 'smurf', password: 'new-pass' });
  });

  it('404 before 422; login is prohibited on a new-format offer', async () => {
    const seller = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const offer = await createStockOffer(parley, seller);
    expectErrorBody(await parley.api.patch(offerPath(offer.id), { price: 'x' }, { token: other.token }), 404, 'Resource not found.');
    expectValidationError(await parley.api.patch(offerPath(offer.id), { price: 'x', login: 'a', title: null }, { token: seller.token }), {
      price: ['The price field must be a number.'],
      login: ['The login field is prohibited.'],
      title: ['The title field is required.'],
    });
    expectValidationError(await parley.api.patch(offerPath(offer.id), { is_manual: true }, { token: seller.token }), {
      delivery_time: ['The delivery time field is required when is manual is true.'],
    });
  });

  it('deletes: 204, then 404; another seller\'s is 404', async () => {
    const seller = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const offer = await createStockOffer(parley, seller);
    expectErrorBody(await parley.api.delete(offerPath(offer.id), { token: other.token }), 404, 'Resource not found.');
    const res = await parley.api.delete(offerPath(offer.id), { token: seller.token });
    expect(res.status).toBe(204);
    expectErrorBody(await parley.api.get(offerPath(offer.id), { token: seller.token }), 404, 'Resource not found.');
    expectErrorBody(await parley.api.delete(offerPath(offer.id), { token: seller.token }), 404, 'Resource not found.');
    const left = parley.readDb((db) => db.prepare('select count(*) as n from account_offer_credentials where account_offer_id = ?').get(offer.id)) as { n: number };
    expect(Number(left.n)).toBe(0);
  });
});
