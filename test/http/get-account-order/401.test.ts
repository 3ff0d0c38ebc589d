import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderScenario } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, writeDb } from '../get-account-orders/helpers.js';

let parley: TestParley;
let scenario: OrderScenario;
beforeAll(async () => {
  // Expiry is moved in the database behind Parley's back: no auth cache, which would keep
  // trusting the key for its TTL by design (test/http/get-account-order/401-auth-cache.test.ts).
  parley = await startTestParley({ PARLEY_AUTH_CACHE_SECONDS: '0' });
  scenario = await parley.fixtures.scenario('pending');
});
afterAll(() => parley.close());

const UNAUTHENTICATED = 'Unauthenticated.';
const path = (id: number | string) => `/v2/account-orders/${id}`;

describe('GET /v2/account-orders/{accountOrder} -> 401', () => {
  it('answers 401 without an Authorization header', async () => {
    expectErrorBody(await parley.api.get(path(scenario.order.id), { token: null }), 401, UNAUTHENTICATED);
  });

  it.each([
    ['an unknown token', 'Bearer pk_this-key-does-not-exist'],
    ['the bare scheme', 'Bearer'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a token without a scheme', 'pk_abc'],
  ])('answers 401 for %s', async (_label, header) => {
    const res = await parley.api.get(path(scenario.order.id), { token: null, headers: { authorization: header } });
    expectErrorBody(res, 401, UNAUTHENTICATED);
  });

  it('answers 401 for a revoked key, at once', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    expect((await parley.api.get(path(order.id), { token: buyer.token })).status).toBe(200);
    expect((await parley.api.get(path(order.id), { token: seller.token })).status).toBe(200);
    expect((await parley.admin.delete(`/admin/v1/api-keys/${buyer.keyId}`)).status).toBe(204);
    expectErrorBody(await parley.api.get(path(order.id), { token: buyer.token }), 401, UNAUTHENTICATED);
    // Only that key: the seller's key still reads the order.
    expect((await parley.api.get(path(order.id), { token: seller.token })).status).toBe(200);
  });

  it('answers 401 for an expired key', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    expect(writeDb(parley, 'update api_keys set expires_at = ? where id = ?', Math.floor(Date.now() / 1000) - 1, seller.keyId)).toBe(1);
    expectErrorBody(await parley.api.get(path(order.id), { token: seller.token }), 401, UNAUTHENTICATED);
  });

  it('answers 401 before looking at the order: unknown, non-numeric and foreign ids alike', async () => {
    for (const id of ['999999', 'abc', String(scenario.order.id)]) {
      expectErrorBody(await parley.api.get(path(id), { token: 'pk_unknown' }), 401, UNAUTHENTICATED);
      expectErrorBody(await parley.api.get(path(id), { token: null }), 401, UNAUTHENTICATED);
    }
  });
});
