import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, expectValidationError } from '../get-account-orders/helpers.js';
import { createLegacyOffer, createStockOffer, listOffer, OFFERS, offerPath, purchase } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const ids = (res: any) => {
  expect(res.status, res.text).toBe(200);
  return res.body.data.map((o: any) => o.id);
};

describe('GET /v2/account-offers and /{account}', () => {
  it("lists the caller's offers only, newest first, filtered and sorted", async () => {
    const seller = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const game2 = await parley.fixtures.game('Second');
    const a = await createStockOffer(parley, seller, { title: 'Alpha smurf', price: 3 });
    const b = await createLegacyOffer(parley, seller, { title: 'Bravo main', description: 'has RARE skins', price: 20, game_id: game2.id });
    const c = await createStockOffer(parley, seller, { title: 'Charlie', price: 1.5 });
    const foreign = await createStockOffer(parley, other, { title: 'Alpha foreign' });
    await listOffer(parley, seller, c.id);
    const as = { token: seller.token };

    expect(ids(await parley.api.get(OFFERS, as))).toEqual([c.id, b.id, a.id]);
    expect(ids(await parley.api.get(`${OFFERS}?sort=price`, as))).toEqual([c.id, a.id, b.id]);
    expect(ids(await parley.api.get(`${OFFERS}?sort=-listed_at`, as))).toEqual([c.id, a.id, b.id]);
    expect(ids(await parley.api.get(`${OFFERS}?filter[status]=listed`, as))).toEqual([c.id]);
    expect(ids(await parley.api.get(`${OFFERS}?filter[search]=alpha`, as))).toEqual([a.id]);
    expect(ids(await parley.api.get(`${OFFERS}?filter[search]=rare`, as))).toEqual([b.id]);
    expect(ids(await parley.api.get(`${OFFERS}?filter[search]=${a.id}`, as))).toEqual([a.id]);
    expect(ids(await parley.api.get(`${OFFERS}?filter[id]=${a.id},${foreign.id}`, as))).toEqual([a.id]);
    expect(ids(await parley.api.get(`${OFFERS}?filter[game_id][0]=${game2.id}`, as))).toEqual([b.id]);
    expect(ids(await parley.api.get(`${OFFERS}?filter%5Bgame_id%5D%5B0%5D=${game2.id}&filter%5Bgame_id%5D%5B1%5D=${a.game.id}`, as))).toEqual([c.id, b.id, a.id]);
    const page = await parley.api.get(`${OFFERS}?per_page=2&page=2`, as);
    expect(ids(page)).toEqual([a.id]);
    expect(page.body.meta).toMatchObject({ current_page: 2, last_page: 2, per_page: 2, total: 3, from: 3, to: 3 });
    // An admin key sees every seller's.
    expect(ids(await parley.admin.get(`${OFFERS}?filter[id]=${a.id},${foreign.id}`))).toEqual([foreign.id, a.id]);

    const one = await parley.api.get(offerPath(b.id), as);
    expect(one.status, one.text).toBe(200);
    expect(one.body.data).toMatchObject({ id: b.id, credentials: { login: 'smurf', password: 'hunter2', email_login: null }, game: { id: game2.id } });
  });

  it('keeps the totals by status through list, draft, purchase and delete', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const as = { token: seller.token };
    const totals = async () => {
      const read = async (query: string) => {
        const res = await parley.api.get(`${OFFERS}${query}`, as);
        expect(res.status, res.text).toBe(200);
        return res.body.meta.total;
      };
      return { all: await read(''), draft: await read('?filter[status]=draft'), listed: await read('?filter[status]=listed'), sold: await read('?filter[status]=sold'), both: await read('?filter[status]=draft,listed') };
    };
    const a = await createStockOffer(parley, seller, { credentials: ['only-one:pw'] });
    const b = await createStockOffer(parley, seller);
    const c = await createLegacyOffer(parley, seller);
    expect(await totals()).toEqual({ all: 3, draft: 3, listed: 0, sold: 0, both: 3 });
    await listOffer(parley, seller, a.id);
    await listOffer(parley, seller, b.id);
    expect(await totals()).toEqual({ all: 3, draft: 1, listed: 2, sold: 0, both: 3 });
    const drafted = await parley.api.post(offerPath(b.id, '/draft'), undefined, as);
    expect(drafted.status, drafted.text).toBe(200);
    await purchase(parley, a.id, buyer);
    expect(await totals()).toEqual({ all: 3, draft: 2, listed: 0, sold: 1, both: 2 });
    const deleted = await parley.api.delete(offerPath(c.id), as);
    expect(deleted.status, deleted.text).toBe(204);
    expect(await totals()).toEqual({ all: 2, draft: 1, listed: 0, sold: 1, both: 1 });
  });

  it('answers 404 for another seller\'s offer, an unknown one and a buyer; 422 for bad filters', async () => {
    const seller = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const offer = await createStockOffer(parley, seller);
    for (const [id, token] of [[offer.id, other.token], [offer.id, buyer.token], [999999, seller.token], ['abc', seller.token]] as const) {
      expectErrorBody(await parley.api.get(offerPath(id), { token }), 404, 'Resource not found.');
    }
    expectValidationError(await parley.api.get(`${OFFERS}?filter[status]=gone&sort=title&per_page=99`, { token: seller.token }), {
      per_page: ['The per page field must be between 1 and 50.'],
      'filter.status': ['The selected filter.status is invalid. Allowed: draft, pending, listed, processing, sold, refunded, archived.'],
      sort: ['The selected sort is invalid. Allowed: id, price, views, delivery_time, created_at, updated_at, listed_at (prefix - for descending).'],
    });
    expectErrorBody(await parley.api.get(OFFERS, { token: 'pk_nobody' }), 401, 'Unauthenticated.');
  });
});
