import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createOffer, OFFER_KINDS } from '../post-item-and-currency-offers/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_RESOURCE_MINUTE: '5', PARLEY_RATE_LIMIT_RESOURCE_HOUR: '10' });
});
afterAll(() => parley.close());

describe.each(OFFER_KINDS)('PATCH $path/{id} -> 429', (kind) => {
  it('allows 5 writes a minute to one offer (PATCH and actions alike), then 429 with Retry-After; another offer is unaffected', async () => {
    const seller = await parley.fixtures.user('seller');
    const game = await parley.fixtures.game();
    const offer = await createOffer(parley, seller, kind, game.id);
    const other = await createOffer(parley, seller, kind, game.id);
    for (let i = 0; i < 4; i++) expect((await parley.api.patch(`${kind.path}/${offer.id}`, { stock: i + 1 }, { token: seller.token })).status).toBe(200);
    expect((await parley.api.post(`${kind.path}/${offer.id}/list`, undefined, { token: seller.token })).status).toBe(200);
    const refused = await parley.api.patch(`${kind.path}/${offer.id}`, { stock: 9 }, { token: seller.token });
    expect(refused.status).toBe(429);
    expect(refused.body.message).toBe('Too many requests.');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Reads are not counted, and the other offer has its own counter.
    expect((await parley.api.get(`${kind.path}/${offer.id}`, { token: seller.token })).body.data.stock).toBe(4);
    expect((await parley.api.patch(`${kind.path}/${other.id}`, { stock: 1 }, { token: seller.token })).status).toBe(200);
  });
});
