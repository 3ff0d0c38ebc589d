import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody } from '../get-account-orders/helpers.js';
import { createStockOffer, offerPath } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_RESOURCE_MINUTE: '5', PARLEY_RATE_LIMIT_RESOURCE_HOUR: '10' });
});
afterAll(() => parley.close());

describe('writes to one account offer -> 429 (per-resource limit)', () => {
  it('allows 5 writes a minute to one offer, then 429 with Retry-After and the limit headers; other offers and reads are not counted', async () => {
    const seller = await parley.fixtures.user('seller');
    const as = { token: seller.token };
    const offer = await createStockOffer(parley, seller);
    const other = await createStockOffer(parley, seller);
    const writes = [
      () => parley.api.patch(offerPath(offer.id), { price: 2 }, as),
      () => parley.api.post(offerPath(offer.id, '/credentials'), { credentials: ['more'] }, as),
      () => parley.api.post(offerPath(offer.id, '/list'), undefined, as),
      () => parley.api.post(offerPath(offer.id, '/draft'), undefined, as),
      () => parley.api.patch(offerPath(offer.id), { title: 'Again' }, as),
    ];
    for (const [i, write] of writes.entries()) {
      const res = await write();
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
    }
    expect((await parley.api.get(offerPath(offer.id), as)).status).toBe(200);
    const res = await parley.api.patch(offerPath(offer.id), { price: 3 }, as);
    expectErrorBody(res, 429, 'Too many requests.');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    // Nothing changed.
    expect((await parley.api.get(offerPath(offer.id), as)).body.data.price.amount).toBe(200);
    // Another offer, and another key on the same offer, have their own counters.
    expect((await parley.api.patch(offerPath(other.id), { price: 2 }, as)).status).toBe(200);
    expect((await parley.admin.patch(offerPath(offer.id), { price: 4 })).status).toBe(200);
  });
});
