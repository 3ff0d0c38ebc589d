import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

/** A browser's preflight for a keyed, JSON POST from `origin`. */
function preflight(parley: TestParley, path: string, origin: string): Promise<Response> {
  return fetch(`${parley.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
  });
}

const headerList = (res: Response, name: string) => (res.headers.get(name) ?? '').split(',').map((h) => h.trim().toLowerCase()).sort();

describe('CORS in the sandbox, PARLEY_CORS_ORIGINS unset: any origin on /v2', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley();
  });
  afterAll(() => parley.close());

  it('answers a preflight 204 without a key, with the allowed headers and methods', async () => {
    const res = await preflight(parley, '/v2/account-orders/1/messages', 'http://localhost:5173');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(headerList(res, 'access-control-allow-headers')).toEqual(['authorization', 'content-type', 'idempotency-key', 'last-event-id']);
    expect(headerList(res, 'access-control-allow-methods')).toEqual(['delete', 'get', 'patch', 'post', 'put']);
    expect(await res.text()).toBe('');
  });

  it('lets the page read answers, refusals included, and the headers it needs', async () => {
    const { seller } = await parley.fixtures.scenario('pending');
    const ok = await fetch(`${parley.url}/v2/account-orders`, { headers: { origin: 'http://localhost:5173', authorization: `Bearer ${seller.token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(headerList(ok, 'access-control-expose-headers')).toEqual(
      ['idempotent-replayed', 'retry-after', 'x-gameboost-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    );
    const refused = await fetch(`${parley.url}/v2/account-orders`, { headers: { origin: 'http://localhost:5173' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('keeps the operator API to its own origin: no preflight route, no CORS headers', async () => {
    expect((await preflight(parley, '/admin/v1/users', 'http://localhost:5173')).status).toBe(404);
    const res = await fetch(`${parley.url}/admin/v1/users/1/webhook-endpoints`, { headers: { origin: 'http://localhost:5173', authorization: `Bearer ${parley.adminToken}` } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS with PARLEY_CORS_ORIGINS listing origins', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_CORS_ORIGINS: 'https://app.example, http://localhost:3000' });
  });
  afterAll(() => parley.close());

  it('answers the listed origins on both APIs, by name', async () => {
    for (const path of ['/v2/account-orders', '/admin/v1/users']) {
      const res = await preflight(parley, path, 'http://localhost:3000');
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin'), path).toBe('http://localhost:3000');
      expect(res.headers.get('vary'), path).toMatch(/origin/i);
    }
  });

  it('gives another origin nothing to go on: the browser refuses', async () => {
    const res = await preflight(parley, '/v2/account-orders', 'https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${parley.url}/v2/account-orders`, { headers: { origin: 'https://evil.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});
