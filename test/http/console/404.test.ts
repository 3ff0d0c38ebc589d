import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestParley } from '../../support/parley.js';
import { get, startConsoleParley } from './console-server.js';

let parley: TestParley;

beforeAll(async () => {
  parley = await startConsoleParley({ PARLEY_ENV: 'production', PARLEY_ADMIN_TOKEN: `production-admin-token-${'x'.repeat(40)}` });
});
afterAll(() => parley?.close());

describe('GET /console/assets/{file} for a file the build does not have', () => {
  it.each([
    '/console/assets/console-000000000000.js',
    '/console/assets/index.html',
    '/console/assets/..%2Findex.html',
    '/console/assets/%2E%2E%2F%2E%2E%2Fpackage.json',
  ])('%s answers 404 in the API shape, with the security headers', async (path) => {
    const response = await get(parley, path);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toBe('Resource not found.');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control') ?? '').not.toContain('immutable');
  });
});

describe('GET /console in production', () => {
  it('tells the page it is production (no sandbox tools)', async () => {
    const page = await get(parley, '/console');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<meta name="parley-env" content="production">');
  });

  it('answers 404 below /console for anything but the page and its assets', async () => {
    expect((await get(parley, '/console/index.html')).status).toBe(404);
    expect((await get(parley, '/console/assets')).status).toBe(404);
  });
});
