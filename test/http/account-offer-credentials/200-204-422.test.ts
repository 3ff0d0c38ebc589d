import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, expectValidationError } from '../get-account-orders/helpers.js';
import { createLegacyOffer, createStockOffer, listOffer, offerPath, purchase } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('/v2/account-offers/{account}/credentials', () => {
  it('adds, skipping and counting duplicates; changes and deletes unsold ones; refuses sold ones', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const as = { token: seller.token };
    const offer = await createStockOffer(parley, seller, { credentials: ['one'] });
    const path = offerPath(offer.id, '/credentials');
    const added = await parley.api.post(path, { credentials: ['two', 'one', 'three', 'two'] }, as);
    expect(added.status, added.text).toBe(200);
    expect(added.body).toMatchObject({ message: '2 credentials added successfully.', created_count: 2, duplicate_count: 2 });
    expect(added.body.data.map((c: any) => c.credentials)).toEqual(['two', 'three']);
    const [two, three] = added.body.data;

    await listOffer(parley, seller, offer.id);
    const order = await purchase(parley, offer.id, buyer);
    expect(order.credentials).toBe('one');
    const one = (await parley.api.get(`${path}?filter[is_sold]=1`, as)).body.data[0];
    expect(one).toMatchObject({ credentials: 'one', is_sold: true, account_order_id: order.id });

    // A sold credential cannot change; an unsold one can (not into another's text).
    expectValidationError(await parley.api.patch(`${path}/${one.id}`, { credentials: 'changed' }, as), { credentials: ['A sold credential cannot be updated.'] });
    expectValidationError(await parley.api.delete(`${path}/${one.id}`, as), { credential: ['A sold credential cannot be deleted.'] });
    expectValidationError(await parley.api.patch(`${path}/${two.id}`, { credentials: 'three' }, as), { credentials: ['The credentials has already been taken.'] });
    const changed = await parley.api.patch(`${path}/${two.id}`, { credentials: 'two, fixed' }, as);
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.data).toMatchObject({ id: two.id, credentials: 'two, fixed', is_sold: false });
    expectValidationError(await parley.api.patch(`${path}/${two.id}`, { credentials: 'x'.repeat(501) }, as), { credentials: ['The credentials field must not be greater than 500 characters.'] });
    expectValidationError(await parley.api.post(path, { credentials: [] }, as), { credentials: ['The credentials field must have at least 1 items.'] });

    // Bulk delete skips the sold one and ids of other offers.
    const bulk = await parley.api.post(`${path}/bulk-delete`, { credentials_ids: [one.id, two.id, three.id, 999999] }, as);
    expect(bulk.status, bulk.text).toBe(200);
    expect(bulk.body).toEqual({ message: '2 credentials deleted successfully.', deleted_count: 2 });
    const left = await parley.api.get(path, as);
    expect(left.body.data.map((c: any) => c.id)).toEqual([one.id]);
    expectErrorBody(await parley.api.delete(`${path}/${three.id}`, as), 404, 'Resource not found.');
  });

  it("legacy offers have no stock (422); another seller's offer is 404", async () => {
    const seller = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const legacy = await createLegacyOffer(parley, seller);
    const error = { account: ['Credentials are only available for account offers created with credentials (not legacy offers).'] };
    expectValidationError(await parley.api.get(offerPath(legacy.id, '/credentials'), { token: seller.token }), error);
    expectValidationError(await parley.api.post(offerPath(legacy.id, '/credentials'), { credentials: ['a'] }, { token: seller.token }), error);
    const offer = await createStockOffer(parley, seller);
    expectErrorBody(await parley.api.get(offerPath(offer.id, '/credentials'), { token: other.token }), 404, 'Resource not found.');
    expectErrorBody(await parley.api.post(offerPath(offer.id, '/credentials'), { credentials: ['a'] }, { token: other.token }), 404, 'Resource not found.');
  });
});
