import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { actionPath, CASE_KEYS, disputeScenario, openCase } from '../dispute-support/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const LIST = '/v2/order-disputes';
const ids = (res: { body: any }) => res.body.data.map((c: any) => c.id);

describe('GET /v2/order-disputes -> 200', () => {
  it("lists the cases of the caller's orders, as seller and as buyer, newest first, without events", async () => {
    const a = await disputeScenario(parley);
    // A second case of the same seller, with another buyer, on an item order.
    const otherBuyer = await parley.fixtures.user('buyer');
    const itemOrder = await parley.fixtures.order(a.seller, otherBuyer, { status: 'delivered' }, kindCase('item'));
    const b = await openCase(parley, itemOrder.id, {}, kindCase('item'));
    // Someone else's case.
    await disputeScenario(parley);

    const seller = await parley.api.get(LIST, { token: a.seller.token });
    expect(seller.status, seller.text).toBe(200);
    expect(Object.keys(seller.body)).toEqual(['data', 'meta', 'links']);
    expect(ids(seller)).toEqual([b.id, a.dispute.id]);
    expect(Object.keys(seller.body.data[0])).toEqual(CASE_KEYS);
    const { events: _events, ...withoutEvents } = a.dispute;
    expect(seller.body.data[1]).toEqual(withoutEvents);
    expect(seller.body.data[0]).toMatchObject({ orderable_type: 'item_order', orderable_id: itemOrder.id, buyer_id: otherBuyer.id });
    expect(seller.body.meta).toMatchObject({ current_page: 1, from: 1, to: 2, total: 2, last_page: 1, per_page: 15 });

    const buyer = await parley.api.get(LIST, { token: a.buyer.token });
    expect(ids(buyer)).toEqual([a.dispute.id]);
    const other = await parley.api.get(LIST, { token: otherBuyer.token });
    expect(ids(other)).toEqual([b.id]);
  });

  it('answers an empty page to a user with no cases', async () => {
    const nobody = await parley.fixtures.user('seller');
    const res = await parley.api.get(LIST, { token: nobody.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(res.body.meta).toMatchObject({ from: null, to: null, total: 0, last_page: 1, current_page: 1 });
  });

  it('lists every case to admin keys', async () => {
    const a = await disputeScenario(parley);
    const res = await parley.admin.get(`${LIST}?per_page=50`);
    expect(res.status).toBe(200);
    expect(ids(res)).toContain(a.dispute.id);
    expect(res.body.meta.total).toBeGreaterThanOrEqual(3);
  });

  it('filters by id (comma list, bracket arrays) and by status', async () => {
    const a = await disputeScenario(parley);
    const b = await openCase(parley, (await parley.fixtures.order(a.seller, a.buyer, { status: 'delivered' })).id, { preferred_resolution: 'replacement' });
    const c = await openCase(parley, (await parley.fixtures.order(a.seller, a.buyer, { status: 'pending' })).id);
    const countered = await parley.api.post(actionPath(b.id, 'counter'), { message: 'Here is another account.', counter_resolution: 'replacement' }, { token: a.seller.token });
    expect(countered.status, countered.text).toBe(200);
    const escalated = await parley.api.post(actionPath(c.id, 'escalate'), { message: 'Buyer will not talk.' }, { token: a.seller.token });
    expect(escalated.status, escalated.text).toBe(200);

    const token = { token: a.seller.token };
    expect(ids(await parley.api.get(`${LIST}?filter[id]=${a.dispute.id},${c.id}`, token))).toEqual([c.id, a.dispute.id]);
    expect(ids(await parley.api.get(`${LIST}?filter%5Bid%5D=${b.id}`, token))).toEqual([b.id]);
    expect(ids(await parley.api.get(`${LIST}?filter[id][0]=${b.id}&filter[id][1]=${c.id}`, token))).toEqual([c.id, b.id]);
    expect(ids(await parley.api.get(`${LIST}?filter[status]=waiting_for_seller`, token))).toEqual([a.dispute.id]);
    expect(ids(await parley.api.get(`${LIST}?filter[status]=waiting_for_buyer,under_review`, token))).toEqual([c.id, b.id]);
    expect(ids(await parley.api.get(`${LIST}?filter[status]=closed`, token))).toEqual([]);
    // Another user's case id filters to nothing.
    const stranger = await disputeScenario(parley);
    expect(ids(await parley.api.get(`${LIST}?filter[id]=${stranger.dispute.id}`, token))).toEqual([]);
    // Unknown parameters are ignored.
    expect(ids(await parley.api.get(`${LIST}?filter[nope]=1&sort=-id&foo=bar`, token))).toEqual([c.id, b.id, a.dispute.id]);
  });

  it("pages with Laravel's paginator: page and per_page, links keep the filters", async () => {
    const a = await disputeScenario(parley);
    const more = [];
    for (let i = 0; i < 2; i++) more.push(await openCase(parley, (await parley.fixtures.order(a.seller, a.buyer, { status: 'delivered' })).id));
    const first = await parley.api.get(`${LIST}?per_page=2&filter[status]=waiting_for_seller`, { token: a.seller.token });
    expect(ids(first)).toEqual([more[1].id, more[0].id]);
    expect(first.body.meta).toMatchObject({ current_page: 1, from: 1, to: 2, total: 3, last_page: 2, per_page: 2 });
    expect(first.body.links.next).toContain('filter%5Bstatus%5D=waiting_for_seller');
    const second = await parley.api.get(`${LIST}?per_page=2&page=2`, { token: a.seller.token });
    expect(ids(second)).toEqual([a.dispute.id]);
    expect(second.body.meta).toMatchObject({ current_page: 2, from: 3, to: 3, total: 3, last_page: 2 });
    expect(second.body.links.next).toBeNull();
  });
});
