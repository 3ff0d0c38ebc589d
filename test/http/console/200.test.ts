import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestParley } from '../../support/parley.js';
import { get, startConsoleParley } from './console-server.js';

let parley: TestParley;
let html: string;
let page: Response;

beforeAll(async () => {
  parley = await startConsoleParley();
  page = await get(parley, '/console');
  html = await page.text();
});
afterAll(() => parley?.close());

const assetsOf = (text: string) => [...text.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);

describe('GET /console', () => {
  it('answers the page, revalidated on every load, under a strict Content-Security-Policy', () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('has no inline script or style: every script and stylesheet is a hashed asset', () => {
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    const assets = assetsOf(html);
    expect(assets.map((a) => a.replace(/-[0-9a-f]{12}\./, '-HASH.')).sort()).toEqual(['/console/assets/console-HASH.css', '/console/assets/console-HASH.js']);
  });

  it('tells the page the environment (sandbox by default)', () => {
    expect(html).toContain('<meta name="parley-env" content="sandbox">');
  });

  it('answers 304 to a revalidation with the current ETag', async () => {
    const etag = page.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await get(parley, '/console', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves the same page at /console/', async () => {
    const slash = await get(parley, '/console/');
    expect(slash.status).toBe(200);
    expect(await slash.text()).toBe(html);
  });
});

describe('GET /console/assets/{file}', () => {
  it('serves each hashed asset as immutable, with its type and the same security headers', async () => {
    for (const asset of assetsOf(html)) {
      const response = await get(parley, asset);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toBe(asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
  });

  it('sends them gzipped to a client that takes gzip, as they are to one that does not', async () => {
    for (const asset of assetsOf(html)) {
      const plain = await get(parley, asset, { 'Accept-Encoding': 'identity' });
      expect(plain.headers.get('content-encoding')).toBeNull();
      const gzipped = await get(parley, asset, { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      expect(gzipped.headers.get('vary')).toBe('Accept-Encoding');
      expect(Number(gzipped.headers.get('content-length'))).toBeLessThan(Number(plain.headers.get('content-length')));
      // fetch decodes it: the same bytes either way.
      expect(Buffer.from(await gzipped.arrayBuffer()).equals(Buffer.from(await plain.arrayBuffer()))).toBe(true);
    }
  });
});

describe('the OpenAPI document', () => {
  it('leaves the console out: it is no API route', async () => {
    const document = (await (await get(parley, '/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
  });
});
