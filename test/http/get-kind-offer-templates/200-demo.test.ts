import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../src/domain/games.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { putTemplate, slugsOf, TEMPLATES } from '../get-games/helpers.js';

/** The first-start demo seeds the catalogue's five games with their templates (src/domain/catalogue). */

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_SEED_DEMO: 'true' });
});
afterAll(() => parley.close());

const SEEDED: [string, string, number][] = [
  ['league-of-legends', 'accounts', 200], ['league-of-legends', 'items', 404], ['league-of-legends', 'currencies', 404],
  ['fortnite', 'accounts', 200], ['fortnite', 'items', 200], ['fortnite', 'currencies', 404],
  ['valorant', 'accounts', 200], ['valorant', 'items', 404],
  ['world-of-warcraft', 'currencies', 200], ['world-of-warcraft', 'accounts', 404],
  ['roblox', 'items', 200], ['roblox', 'accounts', 404],
];
const PATHS: Record<string, string> = { accounts: 'account-offers', items: 'item-offers', currencies: 'currency-offers' };
const templateRows = () => Number((parley.readDb((db) => db.prepare('select count(*) as n from game_templates').get()) as { n: number | string }).n);

describe('the demo catalogue', () => {
  it('lists the five games by name, each with the services it has templates for', async () => {
    const token = parley.running.firstStart!.demo!.sellerToken;
    const res = await parley.api.get('/v2/games', { token });
    expect(res.status, res.text).toBe(200);
    expect(slugsOf(res)).toEqual(['fortnite', 'league-of-legends', 'roblox', 'valorant', 'world-of-warcraft']);
    const lol = res.body.data[1];
    expect(lol).toMatchObject({ name: 'League of Legends', acronym: 'LoL', services: ['accounts', 'boosting'] });
    expect(lol.game_item_collections).toContainEqual({ name: 'Champions', slug: 'champions', items_count: 171 });
    expect(res.body.data[0]).toMatchObject({ name: 'Fortnite', acronym: null, services: ['accounts', 'items', 'top-ups'] });
    // The demo orders are League of Legends ones.
    const orders = await parley.api.get('/v2/account-orders', { token });
    expect(orders.body.data.map((o: any) => o.game)).toEqual(orders.body.data.map(() => ({ id: lol.id, name: lol.name, slug: lol.slug })));
  });

  it.each(SEEDED)('GET %s %s template -> %i', async (slug, service, status) => {
    const res = await parley.api.get(`/v2/${PATHS[service]}/templates/${slug}`, { token: parley.running.firstStart!.demo!.buyerToken });
    expect(res.status, res.text).toBe(status);
    if (status !== 200) return;
    const template = res.body.template;
    expect(template.game).toBe(slug);
    const rules = template[{ accounts: 'account_data', items: 'item_data', currencies: 'currency_data' }[service]!];
    expect(Object.keys(rules).length).toBeGreaterThan(2);
    for (const rule of Object.values<any>(rules)) expect(typeof rule.condition).toBe('string');
    if (service === 'accounts') expect(Object.keys(template)).toEqual(expect.arrayContaining(['title', 'price', 'login', 'password', 'delivery_time', 'game_items']));
    if (service === 'currencies') {
      expect(template.delivery_method).toBe('trade');
      expect(template.delivery_method_options.map((o: any) => o.id)).toEqual(['trade', 'mail', 'auction']);
    }
  });

  it('seeds again without duplicating anything, keeping a template an operator replaced', async () => {
    const replaced = { ...TEMPLATES.accounts, game: 'valorant', title: 'Operator template' };
    expect((await putTemplate(parley, 'valorant', 'accounts', replaced)).status).toBe(200);
    const before = templateRows();
    expect(before).toBe(6);
    await seedCatalogue(parley.running.app.parley.store);
    await seedCatalogue(parley.running.app.parley.store);
    expect(templateRows()).toBe(before);
    expect(slugsOf(await parley.admin.get('/v2/games'))).toHaveLength(5);
    expect((await parley.admin.get('/v2/account-offers/templates/valorant')).body).toEqual({ template: replaced });
  });
});
