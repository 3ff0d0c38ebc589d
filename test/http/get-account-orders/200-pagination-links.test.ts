import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { desc, LIST, linkParams, listPath } from './helpers.js';

let parley: TestParley;
let seller: TestUser;
let ids: number[];
beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
  const buyer = await parley.fixtures.user('buyer');
  ids = [];
  for (let i = 0; i < 20; i++) ids.push((await parley.fixtures.order(seller, buyer)).id);
});
afterAll(() => parley.close());

const PREV = '&laquo; Previous';
const NEXT = 'Next &raquo;';

async function get(query: string): Promise<ApiResponse> {
  const res = await parley.api.get(listPath(query), { token: seller.token });
  expect(res.status, res.text).toBe(200);
  return res;
}

type Link = { url: string | null; label: string; active: boolean };

/** The labels of meta.links, the current page marked with `*`. */
function labels(res: ApiResponse): string[] {
  return (res.body.meta.links as Link[]).map((l) => (l.active ? `*${l.label}` : l.label));
}

/** Every numbered link points at its page with the other query parameters kept; "..." has no URL. */
function expectPageUrls(res: ApiResponse, query: Record<string, string>): void {
  for (const link of res.body.meta.links as Link[]) {
    if (link.label === '...') expect(link).toEqual({ url: null, label: '...', active: false });
    else if (/^\d+$/.test(link.label)) expect(linkParams(link.url!)).toEqual({ ...query, page: link.label });
  }
}

describe('GET /v2/account-orders -> 200 (meta.path and meta.links, as Laravel)', () => {
  it('puts the keys of meta in Laravel\'s order, path being the list URL without its query', async () => {
    const res = await get('per_page=5&page=2&filter[status]=pending');
    expect(Object.keys(res.body.meta)).toEqual(['current_page', 'from', 'last_page', 'links', 'path', 'per_page', 'to', 'total']);
    expect(res.body.meta.path).toBe(`${parley.url}${LIST}`);
  });

  it('lists Previous, every page and Next when there are few pages, with their URLs', async () => {
    const res = await get('per_page=5&page=2&sort=id');
    expect(labels(res)).toEqual([PREV, '1', '*2', '3', '4', NEXT]);
    const links = res.body.meta.links as Link[];
    expect(links[0]).toEqual({ url: res.body.links.prev, label: PREV, active: false });
    expect(links.at(-1)).toEqual({ url: res.body.links.next, label: NEXT, active: false });
    expect(linkParams(links[0]!.url!)).toEqual({ per_page: '5', sort: 'id', page: '1' });
    expectPageUrls(res, { per_page: '5', sort: 'id' });
    expect(res.body.data.map((o: { id: number }) => o.id)).toEqual([...ids].sort((a, b) => a - b).slice(5, 10));
  });

  it('has no URL for Previous on the first page nor for Next on the last', async () => {
    const first = await get('per_page=15');
    expect(first.body.meta.links).toEqual([
      { url: null, label: PREV, active: false },
      { url: first.body.links.first, label: '1', active: true },
      { url: first.body.links.last, label: '2', active: false },
      { url: first.body.links.next, label: NEXT, active: false },
    ]);
    const last = await get('per_page=15&page=2');
    expect(labels(last)).toEqual([PREV, '1', '*2', NEXT]);
    expect((last.body.meta.links as Link[]).at(-1)!.url).toBeNull();
  });

  it('shows the single page of an empty list', async () => {
    const other = await parley.fixtures.user('seller');
    const res = await parley.api.get(listPath(), { token: other.token });
    expect(labels(res)).toEqual([PREV, '*1', NEXT]);
  });

  it('shows all 13 pages, and elides from 14 pages on', async () => {
    const thirteen = desc(ids).slice(0, 13).join(',');
    expect(labels(await get(`per_page=1&filter[id]=${thirteen}`))).toEqual([PREV, '*1', ...'2 3 4 5 6 7 8 9 10 11 12 13'.split(' '), NEXT]);
    const fourteen = desc(ids).slice(0, 14).join(',');
    expect(labels(await get(`per_page=1&filter[id]=${fourteen}`))).toEqual([PREV, '*1', ...'2 3 4 5 6 7 8 9 10'.split(' '), '...', '13', '14', NEXT]);
  });

  // 20 pages: Laravel's UrlWindow with 3 links on each side of the current page.
  it.each([
    [1, '*1 2 3 4 5 6 7 8 9 10 ... 19 20'],
    [7, '1 2 3 4 5 6 *7 8 9 10 ... 19 20'],
    [8, '1 2 ... 5 6 7 *8 9 10 11 ... 19 20'],
    [13, '1 2 ... 10 11 12 *13 14 15 16 ... 19 20'],
    [14, '1 2 ... 11 12 13 *14 15 16 17 18 19 20'],
    [20, '1 2 ... 11 12 13 14 15 16 17 18 19 *20'],
  ])('elides pages around page %i of 20 as Laravel does', async (page, window) => {
    const res = await get(`per_page=1&page=${page}`);
    expect(res.body.meta.last_page).toBe(20);
    expect(labels(res)).toEqual([PREV, ...window.split(' '), NEXT]);
    expectPageUrls(res, { per_page: '1' });
  });

  it('past the last page: no page is active, prev points at the page before the one asked for, next is null', async () => {
    const res = await get('per_page=1&page=25');
    expect(res.body.data).toEqual([]);
    expect(res.body.meta).toMatchObject({ current_page: 25, from: null, to: null, last_page: 20, total: 20 });
    expect(linkParams(res.body.links.prev)).toEqual({ per_page: '1', page: '24' });
    expect(res.body.links.next).toBeNull();
    expect(labels(res)).toEqual([PREV, ...'1 2 ... 11 12 13 14 15 16 17 18 19 20'.split(' '), NEXT]);
    const links = res.body.meta.links as Link[];
    expect(links[0]!.url).toBe(res.body.links.prev);
    expect(links.at(-1)!.url).toBeNull();
  });

  it('declares page and per_page as integers in the served document, while a bad page still means page 1', async () => {
    const doc = await (await fetch(`${parley.url}/api/openapi.json`)).json();
    const params = doc.paths[LIST].get.parameters as Array<{ name: string; schema: { type: string } }>;
    expect(params.find((p) => p.name === 'page')!.schema.type).toBe('integer');
    expect(params.find((p) => p.name === 'per_page')!.schema.type).toBe('integer');
    const res = await get('per_page=5&page=abc');
    expect(res.body.meta.current_page).toBe(1);
    expect(labels(res)).toEqual([PREV, '*1', '2', '3', '4', NEXT]);
  });

  it('past the end of a short list too: prev is page - 1, not the last page', async () => {
    const res = await get('per_page=15&page=5');
    expect(res.body.meta.last_page).toBe(2);
    expect(linkParams(res.body.links.prev)).toEqual({ per_page: '15', page: '4' });
    expect(labels(res)).toEqual([PREV, '1', '2', NEXT]);
  });
});
