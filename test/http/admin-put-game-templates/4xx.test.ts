import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { createGame, expectErrorBody, expectValidationErrors, putTemplate, TEMPLATES, uniqueSlug } from '../get-games/helpers.js';

let parley: TestParley;
let game: any;
const templateCount = () => Number((parley.readDb((db) => db.prepare('select count(*) as n from game_templates').get()) as { n: number | string }).n);
beforeAll(async () => {
  parley = await startTestParley();
  game = await createGame(parley, { name: 'Game', slug: uniqueSlug('game') });
});
afterAll(() => parley.close());

describe('PUT /admin/v1/games/{game}/templates/{service} -> 401, 403, 404', () => {
  it('answers 401 without a key and 403 to seller and buyer keys', async () => {
    expectErrorBody(await putTemplate(parley, game.slug, 'accounts', TEMPLATES.accounts, null as unknown as string), 401, 'Unauthenticated.');
    const seller = await parley.fixtures.user('seller');
    expectErrorBody(await putTemplate(parley, game.slug, 'accounts', TEMPLATES.accounts, seller.token), 403, 'This action is unauthorized.');
    expect(templateCount()).toBe(0);
  });

  it.each([
    ['an unknown game', () => ['no-such-game', 'accounts']],
    ['a service without templates', () => [game.slug, 'boosting']],
    ['a service in another case', () => [game.slug, 'Accounts']],
  ])('answers 404 for %s, before the body is looked at', async (_label, at) => {
    const [slug, service] = at();
    expectErrorBody(await putTemplate(parley, slug!, service!, 'not an object'), 404, 'Resource not found.');
    expect(templateCount()).toBe(0);
  });
});

describe('PUT /admin/v1/games/{game}/templates/{service} -> 422', () => {
  const expect422 = async (service: string, body: unknown, errors: Record<string, string[]>) => {
    const res = await parley.api.request('PUT', `/admin/v1/games/${game.slug}/templates/${service}`, { token: parley.adminToken, json: body });
    expectValidationErrors(res, errors);
    expect(templateCount()).toBe(0);
  };

  it('requires a template object', async () => {
    await expect422('accounts', {}, { template: ['The template field is required.'] });
    await expect422('accounts', { template: null }, { template: ['The template field is required.'] });
    await expect422('accounts', { template: [1, 2] }, { template: ['The template field must be an object.'] });
    await expect422('accounts', { template: 'text' }, { template: ['The template field must be an object.'] });
  });

  it("requires the service's rules, each with a condition made of known rules", async () => {
    await expect422('accounts', { template: { title: 'x' } }, { 'template.account_data': ['The template.account data field is required.'] });
    await expect422('items', { template: TEMPLATES.accounts }, { 'template.item_data': ['The template.item data field is required.'] });
    await expect422('currencies', { template: { currency_data: [] } }, { 'template.currency_data': ['The template.currency data field must be an object.'] });
    await expect422('accounts', { template: { account_data: { level: { values: [1] } } } }, {
      'template.account_data.level.condition': ['The template.account data.level.condition field is required.'],
    });
    await expect422('accounts', { template: { account_data: { level: { condition: 'required|teleport' } } } }, {
      'template.account_data.level.condition': ['The template.account data.level.condition field format is invalid.'],
    });
    await expect422('accounts', { template: { account_data: { level: { condition: 'min:1', values: 'one' } } } }, {
      'template.account_data.level.values': ['The template.account data.level.values field must be an array.'],
    });
  });

  it("refuses a game sample that is not the path's game", async () => {
    await expect422('accounts', { template: { ...TEMPLATES.accounts, game: 'fortnite' } }, { 'template.game': ['The selected template.game is invalid.'] });
  });

  it('refuses a form body, which cannot carry a template', async () => {
    const res = await parley.api.request('PUT', `/admin/v1/games/${game.slug}/templates/accounts`, {
      token: parley.adminToken, raw: 'template=x', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectValidationErrors(res, { template: ['The template field must be an object.'] });
  });
});
