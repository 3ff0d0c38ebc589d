import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { metaCounts } from '../get-account-orders/helpers.js';
import { expectError, expectValidationError, MESSAGES } from '../post-order-complete/helpers.js';
import { createOffer, OFFER_KINDS } from '../post-item-and-currency-offers/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const ids = (res: { status: number; body: any; text: string }) => {
  expect(res.status, res.text).toBe(200);
  return res.body.data.map((o: { id: number }) => o.id);
};

describe.each(OFFER_KINDS)('GET $path', (kind) => {
  it("-> 200: the caller's offers of this kind, newest first, paginated; admin keys see every seller's", async () => {
    const seller = await parley.fixtures.user('seller');
    const stranger = await parley.fixtures.user('seller');
    const game = await parley.fixtures.game();
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await createOffer(parley, seller, kind, game.id));
    const theirs = await createOffer(parley, stranger, kind, game.id);
    const res = await parley.api.get(kind.path, { token: seller.token });
    expect(Object.keys(res.body)).toEqual(['data', 'meta', 'links']);
    expect(res.body.data).toEqual([...mine].reverse());
    expect(metaCounts(res.body.meta)).toEqual({ current_page: 1, from: 1, last_page: 1, per_page: 15, to: 3, total: 3 });
    const page2 = await parley.api.get(`${kind.path}?per_page=2&page=2`, { token: seller.token });
    expect(ids(page2)).toEqual([mine[0].id]);
    expect(page2.body.meta).toMatchObject({ current_page: 2, last_page: 2, total: 3 });
    expect(ids(await parley.api.get(`${kind.path}?filter[id]=${mine[1].id},${theirs.id}`, { token: parley.adminToken }))).toEqual([theirs.id, mine[1].id]);
  });

  it('-> 200: filters by status, game (comma list or indexed array) and search; sorts by price', async () => {
    const seller = await parley.fixtures.user('seller');
    const g1 = await parley.fixtures.game();
    const g2 = await parley.fixtures.game();
    const cheap = await createOffer(parley, seller, kind, g1.id, { price: '1.00', description: 'first' });
    const dear = await createOffer(parley, seller, kind, g2.id, { price: '9.00' });
    expect((await parley.api.post(`${kind.path}/${dear.id}/list`, undefined, { token: seller.token })).status).toBe(200);
    expect(ids(await parley.api.get(`${kind.path}?filter[status]=listed`, { token: seller.token }))).toEqual([dear.id]);
    expect(ids(await parley.api.get(`${kind.path}?filter[status]=draft,listed&sort=price`, { token: seller.token }))).toEqual([cheap.id, dear.id]);
    expect(ids(await parley.api.get(`${kind.path}?filter[game_id][0]=${g1.id}`, { token: seller.token }))).toEqual([cheap.id]);
    expect(ids(await parley.api.get(`${kind.path}?sort=-price`, { token: seller.token }))).toEqual([dear.id, cheap.id]);
    expect(ids(await parley.api.get(`${kind.path}?filter[search]=${cheap.id}`, { token: seller.token }))).toEqual([cheap.id]);
    expect(ids(await parley.api.get(`${kind.path}?filter[search]=${encodeURIComponent(cheap.title.slice(2, 8).toUpperCase())}&sort=id`, { token: seller.token })))
      .toEqual([cheap.id, dear.id]);
  });

  it('-> 422: a bad status, sort or per_page', async () => {
    const seller = await parley.fixtures.user('seller');
    expectValidationError(await parley.api.get(`${kind.path}?filter[status]=pending&sort=stock&per_page=51`, { token: seller.token }), {
      per_page: ['The per page field must be between 1 and 50.'],
      'filter.status': ['The selected filter.status is invalid. Allowed: draft, listed, sold, archived.'],
      sort: ['The selected sort is invalid. Allowed: id, price, views, delivery_time, created_at, updated_at, listed_at (prefix - for descending).'],
    });
  });

  it('-> 404: GET {id} of an unknown, malformed or "templates" id (no template route here swallows it)', async () => {
    const seller = await parley.fixtures.user('seller');
    for (const id of ['987654321', 'abc', '0']) expectError(await parley.api.get(`${kind.path}/${id}`, { token: seller.token }), 404, MESSAGES.notFound);
    const res = await parley.api.get(`${kind.path}/templates`, { token: seller.token });
    expect(res.status).toBe(404);
  });
});
