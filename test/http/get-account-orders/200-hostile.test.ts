import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

/**
 * A search for U+0000 matches nothing on both databases (no title can hold one, and PostgreSQL
 * cannot compare it), rather than failing on PostgreSQL (docs/api.md).
 */

let parley: TestParley;
let seller: TestUser;
beforeAll(async () => {
  parley = await startTestParley();
  const scenario = await parley.fixtures.scenario('pending');
  seller = scenario.seller;
});
afterAll(() => parley.close());

describe('GET /v2/account-orders -> 200 for hostile filters', () => {
  it.each([
    ['a lone NUL', 'filter[search]=%00'],
    ['a NUL inside a matching title', 'filter[search]=Test%00account'],
    ['a NUL after a matching title', 'filter%5Bsearch%5D=account%00'],
  ])('finds nothing for %s', async (_label, query) => {
    const res = await parley.api.get(`/v2/account-orders?${query}`, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(res.body.meta.total).toBe(0);
  });

  it('still finds the order by its title without the NUL (the filter works)', async () => {
    const res = await parley.api.get('/v2/account-orders?filter[search]=account', { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.meta.total).toBe(1);
  });

  it.each(['filter[id]=1e20', 'filter[id]=100000000000000000000', 'filter[buyer_id]=9223372036854775808'])('answers 422 for the id list %s', async (query) => {
    const res = await parley.api.get(`/v2/account-orders?${query}`, { token: seller.token });
    expect(res.status, res.text).toBe(422);
  });
});
