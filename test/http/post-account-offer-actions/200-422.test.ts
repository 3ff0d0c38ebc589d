import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectValidationError } from '../get-account-orders/helpers.js';
import { createLegacyOffer, createStockOffer, offerPath } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/account-offers/{account}/list|draft|duplicate', () => {
  it('lists, drafts and duplicates with {data, message, action, previous_status}', async () => {
    const seller = await parley.fixtures.user('seller');
    const as = { token: seller.token };
    const offer = await createStockOffer(parley, seller, { credentials: ['a', 'b'] });
    const listed = await parley.api.post(offerPath(offer.id, '/list'), undefined, as);
    expect(listed.body).toMatchObject({ message: 'Account offer listed successfully.', action: 'list', previous_status: 'draft', data: { status: 'listed' } });
    expectValidationError(await parley.api.post(offerPath(offer.id, '/list'), undefined, as), { status: ['The account offer is already listed.'] });
    const drafted = await parley.api.post(offerPath(offer.id, '/draft'), {}, as);
    expect(drafted.body).toMatchObject({ action: 'draft', previous_status: 'listed', data: { status: 'draft' } });
    expectValidationError(await parley.api.post(offerPath(offer.id, '/draft'), undefined, as), { status: ['The account offer is already a draft.'] });
    const copy = await parley.api.post(offerPath(offer.id, '/duplicate'), undefined, as);
    expect(copy.status, copy.text).toBe(200);
    expect(copy.body).toMatchObject({ action: 'duplicate', previous_status: null, data: { status: 'draft', title: offer.title, listed_at: null, account_order_ids: [] } });
    expect(copy.body.data.id).not.toBe(offer.id);
    // The copy has no stock, so it cannot be listed.
    expectValidationError(await parley.api.post(offerPath(copy.body.data.id, '/list'), undefined, as), { status: ['The account offer has no stock to list.'] });
    const legacyCopy = await parley.api.post(offerPath((await createLegacyOffer(parley, seller)).id, '/duplicate'), undefined, as);
    expect(legacyCopy.body.data.credentials).toMatchObject({ login: 'smurf', password: 'hunter2' });
  });
});
