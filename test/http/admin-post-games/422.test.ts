import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows, uniqueName } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function expectErrors(body: unknown, errors: Record<string, string[]>) {
  const before = countRows(parley, 'games');
  const res = await parley.admin.post('/admin/v1/games', body);
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(countRows(parley, 'games')).toBe(before);
}

describe('POST /admin/v1/games -> 422', () => {
  it('rejects a slug that is already taken', async () => {
    const slug = uniqueName('taken');
    const first = await parley.admin.post('/admin/v1/games', { name: 'First', slug });
    expect(first.status, first.text).toBe(201);
    await expectErrors({ name: 'Second', slug }, { slug: ['The slug has already been taken.'] });
    await expectErrors({ name: 'Third', slug: `  ${slug}  ` }, { slug: ['The slug has already been taken.'] });
    const row = parley.readDb((db) => db.prepare('select name from games where slug = ?').all(slug));
    expect(row).toEqual([{ name: 'First' }]);
  });

  it.each(['Not A Slug', 'UPPER', 'under_score', '-leading', 'trailing-', 'double--dash', 'dot.ted', 'ünï'])(
    'rejects the slug %j as badly formatted',
    async (slug) => {
      await expectErrors({ name: 'Game', slug }, { slug: ['The slug field format is invalid.'] });
    },
  );

  it('requires the name and the slug', async () => {
    await expectErrors({}, { name: ['The name field is required.'], slug: ['The slug field is required.'] });
    await expectErrors({ slug: uniqueName('no-name') }, { name: ['The name field is required.'] });
    await expectErrors({ name: 'No slug' }, { slug: ['The slug field is required.'] });
    await expectErrors({ name: '   ', slug: '' }, { name: ['The name field is required.'], slug: ['The slug field is required.'] });
    await expectErrors({ name: null, slug: null }, { name: ['The name field is required.'], slug: ['The slug field is required.'] });
  });

  it('rejects fields that are not strings, or longer than 255 characters', async () => {
    await expectErrors({ name: 5, slug: uniqueName('n') }, { name: ['The name field must be a string.'] });
    await expectErrors({ name: 'x'.repeat(256), slug: uniqueName('n') }, { name: ['The name field must not be greater than 255 characters.'] });
    await expectErrors({ name: 'Long slug', slug: 'a'.repeat(256) }, { slug: ['The slug field must not be greater than 255 characters.'] });
  });

  it('reports every invalid field at once', async () => {
    await expectErrors({ slug: 'Not A Slug' }, { name: ['The name field is required.'], slug: ['The slug field format is invalid.'] });
  });

  it('reports a taken slug together with a missing name', async () => {
    const slug = uniqueName('taken-too');
    expect((await parley.admin.post('/admin/v1/games', { name: 'First', slug })).status).toBe(201);
    await expectErrors({ slug }, { name: ['The name field is required.'], slug: ['The slug has already been taken.'] });
  });
});

describe('POST /admin/v1/games -> 422 for the catalogue fields', () => {
  it('checks the acronym, the services and the item collections', async () => {
    const slug = uniqueName('catalogue');
    await expectErrors({ name: 'G', slug, acronym: 5 }, { acronym: ['The acronym field must be a string.'] });
    await expectErrors({ name: 'G', slug, acronym: 'x'.repeat(33) }, { acronym: ['The acronym field must not be greater than 32 characters.'] });
    await expectErrors({ name: 'G', slug, services: 'accounts' }, { services: ['The services field must be an array.'] });
    await expectErrors({ name: 'G', slug, services: ['Accounts!'] }, { 'services.0': ['The services.0 field format is invalid.'] });
    await expectErrors({ name: 'G', slug, services: ['accounts', 7] }, { 'services.1': ['The services.1 field must be a string.'] });
    await expectErrors({ name: 'G', slug, game_item_collections: {} }, { game_item_collections: ['The game item collections field must be an array.'] });
    await expectErrors({ name: 'G', slug, game_item_collections: [{ slug: 'skins', items_count: -1 }] }, {
      'game_item_collections.0.name': ['The game item collections.0.name field is required.'],
      'game_item_collections.0.items_count': ['The game item collections.0.items count field must be at least 0.'],
    });
    await expectErrors({ name: 'G', slug, game_item_collections: [{ name: 'Skins', slug: 'Skins Slug' }] }, {
      'game_item_collections.0.slug': ['The game item collections.0.slug field format is invalid.'],
    });
  });
});
