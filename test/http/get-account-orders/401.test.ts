import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, idsOf, listPath, writeDb } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  // Expiry is moved in the database behind Parley's back: no auth cache, which would keep
  // trusting the key for its TTL by design (test/http/get-account-order/401-auth-cache.test.ts).
  parley = await startTestParley({ PARLEY_AUTH_CACHE_SECONDS: '0' });
});
afterAll(() => parley.close());

const UNAUTHENTICATED = 'Unauthenticated.';

describe('GET /v2/account-orders -> 401', () => {
  it('answers 401 without an Authorization header', async () => {
    expectErrorBody(await parley.api.get(listPath(), { token: null }), 401, UNAUTHENTICATED);
  });

  it.each([
    ['an unknown token', 'Bearer pk_this-key-does-not-exist'],
    ['an empty bearer', 'Bearer '],
    ['the bare scheme', 'Bearer'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a token without a scheme', 'pk_abc'],
  ])('answers 401 for %s', async (_label, header) => {
    const res = await parley.api.get(listPath(), { token: null, headers: { authorization: header } });
    expectErrorBody(res, 401, UNAUTHENTICATED);
  });

  it('answers 401 for a revoked key, at once, while the same user\'s other keys keep working', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const second = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'second' });
    expect(second.status).toBe(201);
    expect(idsOf(await parley.api.get(listPath(), { token: seller.token }))).toEqual([order.id]);

    const revoked = await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`);
    expect(revoked.status).toBe(204);
    expectErrorBody(await parley.api.get(listPath(), { token: seller.token }), 401, UNAUTHENTICATED);
    expect(idsOf(await parley.api.get(listPath(), { token: second.body.data.token }))).toEqual([order.id]);
  });

  it('answers 401 for an expired key', async () => {
    const { seller } = await parley.fixtures.scenario('pending');
    expect((await parley.api.get(listPath(), { token: seller.token })).status).toBe(200);
    expect(writeDb(parley, 'update api_keys set expires_at = ? where id = ?', Math.floor(Date.now() / 1000) - 5, seller.keyId)).toBe(1);
    expectErrorBody(await parley.api.get(listPath(), { token: seller.token }), 401, UNAUTHENTICATED);
  });

  it('answers 401 before validating the query', async () => {
    const res = await parley.api.get(listPath('per_page=0&filter[status]=nope&sort=bogus'), { token: 'pk_unknown' });
    expectErrorBody(res, 401, UNAUTHENTICATED);
  });

  it('answers 401 as JSON even when the client accepts anything', async () => {
    const res = await parley.api.get(listPath(), { token: null, headers: { accept: '*/*' } });
    expectErrorBody(res, 401, UNAUTHENTICATED);
  });

  it('gives each 401 its own request id', async () => {
    const a = await parley.api.get(listPath(), { token: null });
    const b = await parley.api.get(listPath(), { token: null });
    expectErrorBody(a, 401, UNAUTHENTICATED);
    expectErrorBody(b, 401, UNAUTHENTICATED);
    expect(a.body.request_id).not.toBe(b.body.request_id);
  });
});
