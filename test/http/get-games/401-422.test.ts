import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, expectValidationErrors } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/games -> 401, 422', () => {
  it('answers 401 without a key or with an unknown one', async () => {
    expectErrorBody(await parley.api.get('/v2/games', { token: null }), 401, 'Unauthenticated.');
    expectErrorBody(await parley.api.get('/v2/games', { token: 'pk_unknown' }), 401, 'Unauthenticated.');
  });

  it.each(['title', '-price', 'name,views', '__proto__'])('refuses sort=%s', async (sort) => {
    expectValidationErrors(await parley.admin.get(`/v2/games?sort=${encodeURIComponent(sort)}`), {
      sort: ['The selected sort is invalid. Allowed: name, id, slug (prefix - for descending).'],
    });
  });

  it.each([['0', 'must be between 1 and 1000.'], ['1001', 'must be between 1 and 1000.'], ['ten', 'must be an integer.']])('refuses per_page=%s', async (perPage, rule) => {
    expectValidationErrors(await parley.admin.get(`/v2/games?per_page=${perPage}`), { per_page: [`The per page field ${rule}`] });
  });

  it('refuses a search that is not UTF-8 once decoded', async () => {
    expectValidationErrors(await parley.admin.get('/v2/games?filter[search]=%FF'), { 'filter.search': ['The filter.search field must be valid UTF-8.'] });
  });
});
