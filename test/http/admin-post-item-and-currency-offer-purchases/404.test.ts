import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES } from '../post-order-complete/helpers.js';
import { createOffer, OFFER_KINDS, purchasePath } from '../post-item-and-currency-offers/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe.each(OFFER_KINDS)('POST /admin/v1/$kind-offers/{offer}/purchases -> 404', (kind) => {
  it('answers 404 for an unknown or malformed offer id, before the body is looked at', async () => {
    const buyer = await parley.fixtures.user('buyer');
    for (const id of ['987654321', 'abc', '0']) {
      expectError(await parley.admin.post(purchasePath(kind, id), { buyer_id: buyer.id }), 404, MESSAGES.notFound);
      expectError(await parley.admin.post(purchasePath(kind, id), {}), 404, MESSAGES.notFound);
    }
  });

  it("answers 404 for the other kind's offer id", async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const other = OFFER_KINDS.find((k) => k !== kind)!;
    const offer = await createOffer(parley, seller, other, (await parley.fixtures.game()).id);
    expectError(await parley.admin.post(purchasePath(kind, offer.id), { buyer_id: buyer.id }), 404, MESSAGES.notFound);
  });
});
