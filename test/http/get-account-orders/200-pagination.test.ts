import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { asc, desc, idsOf, linkParams, linkPath, listPath, metaCounts } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** A fresh seller with `count` orders (all to one buyer); ids in creation order. */
async function sellerWithOrders(count: number, fields: (i: number) => Record<string, unknown> = () => ({})) {
  const seller = await parley.fixtures.user('seller');
  const buyer = await parley.fixtures.user('buyer');
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await parley.fixtures.order(seller, buyer, fields(i))).id);
  return { seller, buyer, ids };
}

describe('GET /v2/account-orders -> 200 (pagination)', () => {
  let seller17: TestUser;
  let ids17: number[];
  beforeAll(async () => {
    ({ seller: seller17, ids: ids17 } = await sellerWithOrders(17));
  });

  it('serves 15 per page by default, newest (highest id) first, with Laravel meta and links', async () => {
    const res = await parley.api.get(listPath(), { token: seller17.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gameboost-request-id')).toBeTruthy();
    expect(Object.keys(res.body).sort()).toEqual(['data', 'links', 'meta']);
    expect(idsOf(res)).toEqual(desc(ids17).slice(0, 15));
    expect(metaCounts(res.body.meta)).toStrictEqual({ current_page: 1, from: 1, last_page: 2, per_page: 15, to: 15, total: 17 });
    expect(linkParams(res.body.links.first)).toEqual({ page: '1' });
    expect(linkParams(res.body.links.last)).toEqual({ page: '2' });
    expect(res.body.links.prev).toBeNull();
    expect(linkParams(res.body.links.next)).toEqual({ page: '2' });
    for (const link of [res.body.links.first, res.body.links.last, res.body.links.next]) linkPath(parley, link);
  });

  it('serves the rest on the last page, where to == total and current_page == last_page', async () => {
    const res = await parley.api.get(listPath({ page: 2 }), { token: seller17.token });
    expect(idsOf(res)).toEqual(desc(ids17).slice(15));
    expect(metaCounts(res.body.meta)).toStrictEqual({ current_page: 2, from: 16, last_page: 2, per_page: 15, to: 17, total: 17 });
    expect(res.body.meta.to).toBe(res.body.meta.total);
    expect(res.body.meta.current_page).toBe(res.body.meta.last_page);
    expect(res.body.links.next).toBeNull();
    expect(linkParams(res.body.links.prev)).toEqual({ page: '1' });
    expect(linkParams(res.body.links.first)).toEqual({ page: '1' });
    expect(linkParams(res.body.links.last)).toEqual({ page: '2' });
  });

  it('takes per_page from 1 to 50', async () => {
    const one = await parley.api.get(listPath({ per_page: 1 }), { token: seller17.token });
    expect(idsOf(one)).toEqual([Math.max(...ids17)]);
    expect(metaCounts(one.body.meta)).toStrictEqual({ current_page: 1, from: 1, last_page: 17, per_page: 1, to: 1, total: 17 });

    const fifty = await parley.api.get(listPath({ per_page: 50 }), { token: seller17.token });
    expect(idsOf(fifty)).toEqual(desc(ids17));
    expect(metaCounts(fifty.body.meta)).toStrictEqual({ current_page: 1, from: 1, last_page: 1, per_page: 50, to: 17, total: 17 });
    expect(fifty.body.links.prev).toBeNull();
    expect(fifty.body.links.next).toBeNull();
    expect(linkParams(fifty.body.links.last)).toEqual({ per_page: '50', page: '1' });
  });

  it('computes from/to on a middle page', async () => {
    const res = await parley.api.get(listPath({ per_page: 4, page: 3 }), { token: seller17.token });
    expect(idsOf(res)).toEqual(desc(ids17).slice(8, 12));
    expect(metaCounts(res.body.meta)).toStrictEqual({ current_page: 3, from: 9, last_page: 5, per_page: 4, to: 12, total: 17 });
    expect(linkParams(res.body.links.prev)).toEqual({ per_page: '4', page: '2' });
    expect(linkParams(res.body.links.next)).toEqual({ per_page: '4', page: '4' });
    expect(linkParams(res.body.links.last)).toEqual({ per_page: '4', page: '5' });
  });

  it('answers an empty result with from and to null and last_page 1', async () => {
    const seller = await parley.fixtures.user('seller');
    const res = await parley.api.get(listPath(), { token: seller.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(metaCounts(res.body.meta)).toStrictEqual({ current_page: 1, from: null, last_page: 1, per_page: 15, to: null, total: 0 });
    expect(res.body.links.prev).toBeNull();
    expect(res.body.links.next).toBeNull();
    expect(linkParams(res.body.links.first)).toEqual({ page: '1' });
    expect(linkParams(res.body.links.last)).toEqual({ page: '1' });
  });

  it('answers a page past the end with no data and from/to null', async () => {
    const { seller } = await sellerWithOrders(3);
    const res = await parley.api.get(listPath({ per_page: 2, page: 5 }), { token: seller.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(metaCounts(res.body.meta)).toStrictEqual({ current_page: 5, from: null, last_page: 2, per_page: 2, to: null, total: 3 });
    expect(res.body.links.next).toBeNull();
    // Laravel's prev is the page before the one asked for, not the last page.
    expect(linkParams(res.body.links.prev)).toEqual({ per_page: '2', page: '4' });
    expect(linkParams(res.body.links.last)).toEqual({ per_page: '2', page: '2' });
  });

  it.each(['abc', '0', '-1', '1.5', '2abc', ''])('treats page=%j as page 1', async (page) => {
    const res = await parley.api.get(listPath(`per_page=5&page=${encodeURIComponent(page)}`), { token: seller17.token });
    expect(idsOf(res)).toEqual(desc(ids17).slice(0, 5));
    expect(metaCounts(res.body.meta)).toStrictEqual({ current_page: 1, from: 1, last_page: 4, per_page: 5, to: 5, total: 17 });
    expect(res.body.links.prev).toBeNull();
    expect(linkParams(res.body.links.next)).toEqual({ per_page: '5', page: '2' });
  });

  it('keeps the other query parameters in every link and only changes page', async () => {
    const { seller, ids } = await sellerWithOrders(7, (i) => ({ status: i % 2 === 0 ? 'pending' : 'delivered', price: `${10 + i}.00` }));
    const pending = ids.filter((_, i) => i % 2 === 0); // 4 orders
    const res = await parley.api.get(listPath('filter[status]=pending&sort=-price&per_page=2&foo=bar'), { token: seller.token });
    expect(idsOf(res)).toEqual(desc(pending).slice(0, 2));
    expect(metaCounts(res.body.meta)).toStrictEqual({ current_page: 1, from: 1, last_page: 2, per_page: 2, to: 2, total: 4 });
    const expected = { 'filter[status]': 'pending', sort: '-price', per_page: '2', foo: 'bar' };
    expect(linkParams(res.body.links.first)).toEqual({ ...expected, page: '1' });
    expect(linkParams(res.body.links.last)).toEqual({ ...expected, page: '2' });
    expect(linkParams(res.body.links.next)).toEqual({ ...expected, page: '2' });
    expect(res.body.links.prev).toBeNull();

    const next = await parley.api.get(linkPath(parley, res.body.links.next), { token: seller.token });
    expect(idsOf(next)).toEqual(desc(pending).slice(2));
    expect(metaCounts(next.body.meta)).toStrictEqual({ current_page: 2, from: 3, last_page: 2, per_page: 2, to: 4, total: 4 });
    expect(linkParams(next.body.links.prev)).toEqual({ ...expected, page: '1' });
    expect(next.body.links.next).toBeNull();
  });

  it('replaces the page the client sent rather than adding a second one', async () => {
    const res = await parley.api.get(listPath('page=2&per_page=3'), { token: seller17.token });
    for (const link of [res.body.links.first, res.body.links.last, res.body.links.prev, res.body.links.next]) {
      expect(new URL(link).searchParams.getAll('page')).toHaveLength(1);
    }
    expect(linkParams(res.body.links.prev)).toEqual({ per_page: '3', page: '1' });
    expect(linkParams(res.body.links.next)).toEqual({ per_page: '3', page: '3' });
  });

  it('visits every order exactly once when following next links', async () => {
    const { seller, ids } = await sellerWithOrders(23);
    let path: string | null = listPath({ per_page: 5 });
    const seen: number[] = [];
    const pages: number[] = [];
    while (path !== null) {
      expect(pages.length).toBeLessThan(10);
      const res: ApiResponse = await parley.api.get(path, { token: seller.token });
      seen.push(...idsOf(res));
      pages.push(res.body.meta.current_page);
      expect(res.body.meta.total).toBe(23);
      expect(res.body.meta.last_page).toBe(5);
      if (res.body.links.next === null) {
        expect(res.body.meta.to).toBe(res.body.meta.total);
        expect(res.body.meta.current_page).toBe(res.body.meta.last_page);
      }
      path = res.body.links.next === null ? null : linkPath(parley, res.body.links.next);
    }
    expect(pages).toEqual([1, 2, 3, 4, 5]);
    expect(seen).toHaveLength(23);
    expect(seen).toEqual(desc(ids));
  });

  it('pages stably under a sort with ties, visiting every order exactly once', async () => {
    // Only three distinct prices among 11 orders: pages must still neither overlap nor skip.
    const { seller, ids } = await sellerWithOrders(11, (i) => ({ price: ['5.00', '7.00', '6.00'][i % 3] }));
    let path: string | null = listPath('sort=price&per_page=3');
    const seen: number[] = [];
    const prices: number[] = [];
    for (let n = 0; path !== null; n++) {
      expect(n).toBeLessThan(10);
      const res: ApiResponse = await parley.api.get(path, { token: seller.token });
      seen.push(...idsOf(res));
      prices.push(...res.body.data.map((o: any) => o.price.amount));
      path = res.body.links.next === null ? null : linkPath(parley, res.body.links.next);
    }
    expect(asc(seen)).toEqual(asc(ids));
    expect(new Set(seen).size).toBe(11);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });
});
