import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

/**
 * Responses of /v2 and /admin/v1 may carry credentials, a new API key or a webhook secret: none
 * may be kept by a cache. Every one of them says `Cache-Control: no-store`, errors included.
 */
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const noStore = (res: ApiResponse) => expect(res.headers.get('cache-control'), `${res.status} ${res.text.slice(0, 80)}`).toBe('no-store');

describe('Cache-Control: no-store', () => {
  it('on the responses that carry secrets: order credentials, a new key, a webhook secret', async () => {
    const { seller, order } = await parley.fixtures.scenario('delivered', { credentials: 'login / pass' });
    const got = await parley.api.get(`${ACCOUNT_ORDERS.path}/${order.id}`, { token: seller.token });
    expect(got.body.data.credentials).toBe('login / pass');
    noStore(got);
    noStore(await parley.api.get(ACCOUNT_ORDERS.path, { token: seller.token }));
    noStore(await parley.admin.patch(`${ACCOUNT_ORDERS.path}/${order.id}/credentials`, { credentials: 'new' }));

    const key = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'bot' });
    expect(key.status).toBe(201);
    noStore(key);
    const endpoint = await parley.admin.post(`/admin/v1/users/${seller.id}/webhook-endpoints`, { url: 'https://example.com/h', events: ['order.message.created'] });
    expect(endpoint.status).toBe(201);
    noStore(endpoint);
    noStore(await parley.admin.post(`/admin/v1/webhook-endpoints/${endpoint.body.data.id}/rotate-secret`, {}));
  });

  it('on every other answer of /v2 and /admin/v1, errors included', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    noStore(await parley.api.get(`${ACCOUNT_ORDERS.path}/${order.id}/messages`, { token: seller.token }));
    noStore(await parley.api.get(`${ACCOUNT_ORDERS.path}/${order.id}`, { token: null }));
    noStore(await parley.api.get(`${ACCOUNT_ORDERS.path}/999999999`, { token: seller.token }));
    noStore(await parley.api.get('/admin/v1/users/1/webhook-endpoints', { token: seller.token }));
    noStore(await parley.api.post(`${ACCOUNT_ORDERS.path}/${order.id}/messages`, {}, { token: seller.token }));
  });

  it('not on the public OpenAPI document and health check, which carry no secret', async () => {
    for (const path of ['/api/openapi.json', '/health']) {
      const res = await fetch(`${parley.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBeNull();
    }
  });
});
