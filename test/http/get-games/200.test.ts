import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createGame, slugsOf } from './helpers.js';

let parley: TestParley;
let lol: any;
let wow: any;
let apex: any;
let plain: any;
beforeAll(async () => {
  // A database of its own: slugs without digits, so that a search for an id matches that id only.
  parley = await startTestParley();
  // Created out of name order, so that the default (by name) differs from the id order.
  wow = await createGame(parley, { name: 'World of Warcraft', slug: 'world-of-warcraft', acronym: 'WoW', services: ['currencies', 'boosting'] });
  lol = await createGame(parley, {
    name: 'League of Legends', slug: 'league-of-legends', acronym: 'LoL', services: ['accounts'],
    game_item_collections: [{ name: 'Champions', slug: 'champions', items_count: 171 }, { name: 'Skins', slug: 'skins' }],
  });
  apex = await createGame(parley, { name: 'apex Legends', slug: 'apex-legends', acronym: 'APEX' });
  plain = await createGame(parley, { name: 'Zzz Plain', slug: 'zzz-plain' });
});
afterAll(() => parley.close());

describe('GET /v2/games -> 200', () => {
  it('lists every game with its catalogue fields, by name (case-insensitive), on one page by default', async () => {
    const seller = await parley.fixtures.user('seller');
    const res = await parley.api.get('/v2/games', { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(slugsOf(res)).toEqual([apex.slug, lol.slug, wow.slug, plain.slug]);
    expect(res.body.data[1]).toEqual({
      id: lol.id, name: 'League of Legends', slug: lol.slug, acronym: 'LoL', services: ['accounts'],
      game_item_collections: [{ name: 'Champions', slug: 'champions', items_count: 171 }, { name: 'Skins', slug: 'skins', items_count: null }],
    });
    // A game created with name and slug only: no acronym, empty lists (never null).
    expect(res.body.data[3]).toEqual({ id: plain.id, name: 'Zzz Plain', slug: plain.slug, acronym: null, services: [], game_item_collections: [] });
    expect(res.body.meta).toMatchObject({ current_page: 1, from: 1, to: 4, total: 4, last_page: 1, per_page: 1000, path: `${parley.url}/v2/games` });
    expect(res.body.links).toMatchObject({ prev: null, next: null, first: `${parley.url}/v2/games?page=1` });
  });

  it('serves buyer and admin keys alike (a public catalogue)', async () => {
    const buyer = await parley.fixtures.user('buyer');
    const asBuyer = await parley.api.get('/v2/games', { token: buyer.token });
    const asAdmin = await parley.admin.get('/v2/games');
    expect([asBuyer.status, asAdmin.status]).toEqual([200, 200]);
    expect(slugsOf(asBuyer)).toEqual(slugsOf(asAdmin));
    expect(slugsOf(asBuyer)).toHaveLength(4);
  });

  it.each([
    ['name', () => [apex, lol, wow, plain]],
    ['-name', () => [plain, wow, lol, apex]],
    ['id', () => [wow, lol, apex, plain]],
    ['-id', () => [plain, apex, lol, wow]],
    ['slug', () => [apex, lol, wow, plain]],
    ['-slug', () => [plain, wow, lol, apex]],
  ])('sorts by %s', async (sort, expected) => {
    const res = await parley.admin.get(`/v2/games?sort=${encodeURIComponent(sort)}`);
    expect(res.status, res.text).toBe(200);
    expect(slugsOf(res)).toEqual(expected().map((g: any) => g.slug));
  });

  it('searches the id exactly and the name, slug and acronym case-insensitively', async () => {
    const search = async (term: string) => slugsOf(await parley.admin.get(`/v2/games?filter[search]=${encodeURIComponent(term)}`));
    expect(await search(String(lol.id))).toEqual([lol.slug]);
    expect(await search('LEGENDS')).toEqual([apex.slug, lol.slug]);
    expect(await search('world-of')).toEqual([wow.slug]);
    expect(await search('wow')).toEqual([wow.slug]);
    expect(await search('apex')).toEqual([apex.slug]);
    expect(await search('  lol ')).toEqual([lol.slug]);
    expect(await search('nothing-like-this')).toEqual([]);
    // Percent-encoded brackets, as some clients send them.
    expect(slugsOf(await parley.admin.get('/v2/games?filter%5Bsearch%5D=warcraft'))).toEqual([wow.slug]);
  });

  it('pages like the other lists, keeping the query in the links', async () => {
    const res = await parley.admin.get('/v2/games?per_page=3&page=2&sort=id');
    expect(res.status, res.text).toBe(200);
    expect(slugsOf(res)).toEqual([plain.slug]);
    expect(res.body.meta).toMatchObject({ current_page: 2, from: 4, to: 4, total: 4, last_page: 2, per_page: 3 });
    expect(res.body.links.prev).toBe(`${parley.url}/v2/games?per_page=3&page=1&sort=id`);
    expect(res.body.links.next).toBeNull();
    const past = await parley.admin.get('/v2/games?per_page=3&page=9');
    expect(past.body.data).toEqual([]);
    expect(past.body.meta).toMatchObject({ from: null, to: null, total: 4, current_page: 9 });
    // A bad page is page 1 (Laravel).
    expect((await parley.admin.get('/v2/games?page=abc&per_page=1&sort=id')).body.data[0].id).toBe(wow.id);
  });

  it('ignores unknown parameters and other filters', async () => {
    const res = await parley.admin.get('/v2/games?status=listed&filter[status]=x&search=lol');
    expect(res.status, res.text).toBe(200);
    expect(slugsOf(res)).toHaveLength(4);
  });
});
