import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES } from '../post-order-complete/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/order-disputes -> 401', () => {
  it('answers "Unauthenticated." without a key, with an unknown key and with a revoked one', async () => {
    expectError(await parley.api.get('/v2/order-disputes'), 401, MESSAGES.unauthenticated);
    expectError(await parley.api.get('/v2/order-disputes', { token: 'nope' }), 401, MESSAGES.unauthenticated);
    const seller = await parley.fixtures.user('seller');
    await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`);
    expectError(await parley.api.get('/v2/order-disputes', { token: seller.token }), 401, MESSAGES.unauthenticated);
  });
});
