import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

describe('CORS in production, PARLEY_CORS_ORIGINS unset: none', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_ENV: 'production' });
  });
  afterAll(() => parley.close());

  it('has no preflight route (404) and sends no CORS header', async () => {
    const pre = await fetch(`${parley.url}/v2/account-orders`, {
      method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(pre.status).toBe(404);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${parley.url}/v2/account-orders`, { headers: { origin: 'https://app.example' } });
    expect(get.status).toBe(401);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('PARLEY_CORS_ORIGINS', () => {
  it('takes *, none, or origins, and refuses anything else before starting', () => {
    expect(loadConfig({ PARLEY_CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(loadConfig({ PARLEY_CORS_ORIGINS: 'none' }).corsOrigins).toEqual([]);
    expect(loadConfig({}).corsOrigins).toBeNull();
    expect(loadConfig({ PARLEY_CORS_ORIGINS: 'https://a.example,http://127.0.0.1:8081' }).corsOrigins).toEqual(['https://a.example', 'http://127.0.0.1:8081']);
    for (const bad of ['a.example', 'https://a.example/', 'https://a.example/path', 'ftp://a.example']) {
      expect(() => loadConfig({ PARLEY_CORS_ORIGINS: bad }), bad).toThrow(/PARLEY_CORS_ORIGINS/);
    }
  });

  it('none switches the sandbox default off', async () => {
    const parley = await startTestParley({ PARLEY_CORS_ORIGINS: 'none' });
    try {
      const pre = await fetch(`${parley.url}/v2/account-orders`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
      expect(pre.status).toBe(404);
    } finally {
      await parley.close();
    }
  });
});
