import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createGame, expectErrorBody, putTemplate, TEMPLATES, uniqueSlug } from '../get-games/helpers.js';

/** GET /v2/{account|item|currency}-offers/templates/{game}: one test per route and status. */
const ROUTES = [
  { service: 'accounts', path: (slug: string) => `/v2/account-offers/templates/${slug}` },
  { service: 'items', path: (slug: string) => `/v2/item-offers/templates/${slug}` },
  { service: 'currencies', path: (slug: string) => `/v2/currency-offers/templates/${slug}` },
];

let parley: TestParley;
let full: any;
let bare: any;
beforeAll(async () => {
  parley = await startTestParley();
  full = await createGame(parley, { name: 'Full', slug: uniqueSlug('full') });
  bare = await createGame(parley, { name: 'Bare', slug: uniqueSlug('bare'), services: ['accounts', 'boosting'] });
  for (const { service } of ROUTES) expect((await putTemplate(parley, full.slug, service, TEMPLATES[service])).status).toBe(201);
});
afterAll(() => parley.close());

describe.each(ROUTES)('GET templates of $service', ({ service, path }) => {
  it('answers 200 {template} with the stored template, the game slug filled in, to seller and buyer keys', async () => {
    for (const role of ['seller', 'buyer'] as const) {
      const user = await parley.fixtures.user(role);
      const res = await parley.api.get(path(full.slug), { token: user.token });
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { template: { game: full.slug, ...TEMPLATES[service] } } });
    }
  });

  it('answers 404 for an unknown game, and for a game without a template of this service (even one that lists it)', async () => {
    expectErrorBody(await parley.admin.get(path('no-such-game')), 404, 'Resource not found.');
    expectErrorBody(await parley.admin.get(path(bare.slug)), 404, 'Resource not found.');
    expectErrorBody(await parley.admin.get(path(String(full.id))), 404, 'Resource not found.');
  });

  it('answers 401 without a key', async () => {
    expectErrorBody(await parley.api.get(path(full.slug), { token: null }), 401, 'Unauthenticated.');
  });
});
