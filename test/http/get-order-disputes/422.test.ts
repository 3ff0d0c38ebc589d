import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectValidationError } from '../post-order-complete/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/order-disputes -> 422', () => {
  it('names each bad list parameter, Laravel style', async () => {
    const seller = await parley.fixtures.user('seller');
    const get = (query: string) => parley.api.get(`/v2/order-disputes?${query}`, { token: seller.token });
    expectValidationError(await get('filter[status]=open'), {
      'filter.status': ['The selected filter.status is invalid. Allowed: waiting_for_seller, waiting_for_buyer, under_review, closed.'],
    });
    expectValidationError(await get('filter[id]=1,x'), { 'filter.id': ['The filter.id field must be a comma-separated list of integer ids.'] });
    expectValidationError(await get('per_page=51'), { per_page: ['The per page field must be between 1 and 50.'] });
    expectValidationError(await get('per_page=x&filter[status]=nope'), {
      per_page: ['The per page field must be an integer.'],
      'filter.status': ['The selected filter.status is invalid. Allowed: waiting_for_seller, waiting_for_buyer, under_review, closed.'],
    });
  });
});
