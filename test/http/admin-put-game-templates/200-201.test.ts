import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createGame, putTemplate, TEMPLATES, uniqueSlug } from '../get-games/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('PUT /admin/v1/games/{game}/templates/{service} -> 201, 200', () => {
  it.each(['accounts', 'items', 'currencies'])('adds a %s template (201), then replaces it (200)', async (service) => {
    const game = await createGame(parley, { name: 'Game', slug: uniqueSlug('game'), services: ['boosting'] });
    const created = await putTemplate(parley, game.slug, service, TEMPLATES[service]);
    expect({ status: created.status, body: created.body }).toEqual({ status: 201, body: { template: { game: game.slug, ...TEMPLATES[service] } } });

    const replacement = { ...TEMPLATES[service], game: game.slug, title: 'Replaced', extra: { nested: [1, true, 'x'] } };
    const replaced = await putTemplate(parley, game.slug, service, replacement);
    expect({ status: replaced.status, body: replaced.body }).toEqual({ status: 200, body: { template: replacement } });
    expect((await parley.admin.get(`/v2/${service === 'accounts' ? 'account' : service === 'items' ? 'item' : 'currency'}-offers/templates/${game.slug}`)).body)
      .toEqual({ template: replacement });
    // The service joins the game's services, once.
    expect((await parley.admin.get(`/v2/games/${game.slug}`)).body.data.services).toEqual(['boosting', service]);
    const rows = parley.readDb((db) => db.prepare('select count(*) as n from game_templates where game_id = ?').get(game.id)) as { n: number | string };
    expect(Number(rows.n)).toBe(1);
  });

  it('keeps the templates of other services and games apart', async () => {
    const a = await createGame(parley, { name: 'A', slug: uniqueSlug('a') });
    const b = await createGame(parley, { name: 'B', slug: uniqueSlug('b') });
    expect((await putTemplate(parley, a.slug, 'accounts', TEMPLATES.accounts)).status).toBe(201);
    expect((await putTemplate(parley, a.slug, 'items', TEMPLATES.items)).status).toBe(201);
    expect((await putTemplate(parley, b.slug, 'accounts', { ...TEMPLATES.accounts, title: 'B' })).status).toBe(201);
    expect((await parley.admin.get(`/v2/account-offers/templates/${a.slug}`)).body.template.title).toBe('Sample title');
    expect((await parley.admin.get(`/v2/account-offers/templates/${b.slug}`)).body.template.title).toBe('B');
    expect((await parley.admin.get(`/v2/item-offers/templates/${a.slug}`)).status).toBe(200);
    expect((await parley.admin.get(`/v2/item-offers/templates/${b.slug}`)).status).toBe(404);
  });

  it('creates one template out of concurrent first PUTs: one 201, the others 200', async () => {
    const game = await createGame(parley, { name: 'Race', slug: uniqueSlug('race') });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => putTemplate(parley, game.slug, 'accounts', { ...TEMPLATES.accounts, title: `T${i}` })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect((await parley.admin.get(`/v2/games/${game.slug}`)).body.data.services).toEqual(['accounts']);
  });
});
