import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uniqueName } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/games -> 201', () => {
  it('creates a game from a name and a slug: no acronym, empty lists', async () => {
    const slug = uniqueName('league-of-legends');
    const res = await parley.admin.post('/admin/v1/games', { name: 'League of Legends', slug });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({ data: { id: expect.any(Number), name: 'League of Legends', slug, acronym: null, services: [], game_item_collections: [] } });
    const row = parley.readDb((db) => db.prepare('select id, name, slug, acronym, services, game_item_collections from games where id = ?').get(res.body.data.id));
    expect(row).toEqual({ id: res.body.data.id, name: 'League of Legends', slug, acronym: null, services: '[]', game_item_collections: '[]' });
  });

  it('takes the catalogue fields, and GET /v2/games/{slug} serves them as created', async () => {
    const slug = uniqueName('fortnite');
    const body = {
      name: 'Fortnite', slug, acronym: ' FN ', services: ['accounts', 'items', 'accounts', 'top-ups'],
      game_item_collections: [{ name: 'Outfits', slug: 'outfits', items_count: 1900 }, { name: 'Emotes', slug: 'emotes' }],
    };
    const res = await parley.admin.post('/admin/v1/games', body);
    expect(res.status, res.text).toBe(201);
    const game = {
      id: expect.any(Number), name: 'Fortnite', slug, acronym: 'FN', services: ['accounts', 'items', 'top-ups'],
      game_item_collections: [{ name: 'Outfits', slug: 'outfits', items_count: 1900 }, { name: 'Emotes', slug: 'emotes', items_count: null }],
    };
    expect(res.body).toEqual({ data: game });
    const read = await parley.admin.get(`/v2/games/${slug}`);
    expect(read.body).toEqual({ data: res.body.data });
  });

  it('stores a blank or null acronym as none, and null lists as empty', async () => {
    const slug = uniqueName('blank');
    const res = await parley.admin.post('/admin/v1/games', { name: 'Blank', slug, acronym: '  ', services: null, game_item_collections: null });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ acronym: null, services: [], game_item_collections: [] });
  });

  it('trims the name and the slug', async () => {
    const slug = uniqueName('valorant');
    const res = await parley.admin.post('/admin/v1/games', { name: '  Valorant\n', slug: ` ${slug} ` });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ name: 'Valorant', slug });
  });

  it.each(['a', 'cs2', 'world-of-warcraft', '2k24-x'])('accepts the slug %j', async (base) => {
    const slug = `${base}-${uniqueName('s').replace(/[^a-z0-9-]/g, '')}`;
    const res = await parley.admin.post('/admin/v1/games', { name: 'Some Game', slug });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.slug).toBe(slug);
  });

  it('allows two games with the same name but different slugs', async () => {
    const a = await parley.admin.post('/admin/v1/games', { name: 'Twin', slug: uniqueName('twin-a') });
    const b = await parley.admin.post('/admin/v1/games', { name: 'Twin', slug: uniqueName('twin-b') });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.data.id).not.toBe(b.body.data.id);
  });

  it('makes the game usable for orders, where it shows as {id, name, slug}', async () => {
    const game = await parley.admin.post('/admin/v1/games', { name: 'Order Game', slug: uniqueName('order-game') });
    expect(game.status, game.text).toBe(201);
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const order = await parley.admin.post('/admin/v1/account-orders', {
      seller_id: seller.id, buyer_id: buyer.id, title: 'Account', game_id: game.body.data.id,
    });
    expect(order.status, order.text).toBe(201);
    expect(order.body.data.game).toEqual({ id: game.body.data.id, name: 'Order Game', slug: game.body.data.slug });
  });
});
