import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createGame, expectErrorBody, uniqueSlug } from '../get-games/helpers.js';

let parley: TestParley;
let game: any;
beforeAll(async () => {
  parley = await startTestParley();
  game = await createGame(parley, {
    name: 'Valorant', slug: uniqueSlug('valorant'), acronym: 'VAL', services: ['accounts', 'boosting'],
    game_item_collections: [{ name: 'Agents', slug: 'agents', items_count: 27 }],
  });
});
afterAll(() => parley.close());

describe('GET /v2/games/{slug} -> 200', () => {
  it('answers {data: Game} to seller, buyer and admin keys', async () => {
    const expected = {
      data: { id: game.id, name: 'Valorant', slug: game.slug, acronym: 'VAL', services: ['accounts', 'boosting'], game_item_collections: [{ name: 'Agents', slug: 'agents', items_count: 27 }] },
    };
    for (const token of [(await parley.fixtures.user('seller')).token, (await parley.fixtures.user('buyer')).token, parley.adminToken]) {
      const res = await parley.api.get(`/v2/games/${game.slug}`, { token });
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: expected });
    }
  });
});

describe('GET /v2/games/{slug} -> 404, 401', () => {
  it.each([
    ['an unknown slug', 'no-such-game'],
    ['the id instead of the slug', () => String(game.id)],
    ['another case', () => game.slug.toUpperCase()],
    ['a path segment over 100 characters', 'a'.repeat(101)],
    ['a segment that is not UTF-8', '%FF'],
  ])('answers 404 for %s', async (_label, slug) => {
    const path = typeof slug === 'function' ? slug() : slug;
    expectErrorBody(await parley.admin.get(`/v2/games/${path}`), 404, 'Resource not found.');
  });

  it('answers 401 before looking the game up', async () => {
    expectErrorBody(await parley.api.get('/v2/games/no-such-game', { token: null }), 401, 'Unauthenticated.');
  });
});
