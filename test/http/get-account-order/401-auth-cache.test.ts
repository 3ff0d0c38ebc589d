import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody, writeDb } from '../get-account-orders/helpers.js';

/**
 * Resolved API keys are cached per instance (PARLEY_AUTH_CACHE_SECONDS). A revocation through the
 * API takes effect at once; expiry is checked on every request; a change made in the database
 * behind Parley's back is seen once the entry is older than the TTL.
 */
const UNAUTHENTICATED = 'Unauthenticated.';
const path = (id: number) => `/v2/account-orders/${id}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('GET /v2/account-orders/{accountOrder} -> 401 with the auth cache', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_AUTH_CACHE_SECONDS: '1' });
  });
  afterAll(() => parley.close());

  it('keeps trusting a cached key revoked behind its back for at most the TTL, then answers 401', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    expect((await parley.api.get(path(order.id), { token: seller.token })).status).toBe(200);
    expect(writeDb(parley, 'update api_keys set revoked_at = ? where id = ?', nowSeconds(), seller.keyId)).toBe(1);
    // Cached: the database is not read again within the TTL.
    expect((await parley.api.get(path(order.id), { token: seller.token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expectErrorBody(await parley.api.get(path(order.id), { token: seller.token }), 401, UNAUTHENTICATED);
  });

  it('answers 401 at once for a cached key revoked through the API', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    expect((await parley.api.get(path(order.id), { token: seller.token })).status).toBe(200);
    expect((await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`)).status).toBe(204);
    expectErrorBody(await parley.api.get(path(order.id), { token: seller.token }), 401, UNAUTHENTICATED);
  });
});

describe('GET /v2/account-orders/{accountOrder} -> 401 for a cached key past its expiry', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_AUTH_CACHE_SECONDS: '600' });
  });
  afterAll(() => parley.close());

  it('checks expires_at on every request, cached or not', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const expiresAt = nowSeconds() + 2;
    const key = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'short-lived', expires_at: expiresAt });
    expect(key.status, key.text).toBe(201);
    const token = key.body.data.token as string;
    expect((await parley.api.get(path(order.id), { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, (expiresAt - Date.now() / 1000) * 1000 + 50));
    expectErrorBody(await parley.api.get(path(order.id), { token }), 401, UNAUTHENTICATED);
  });
});
