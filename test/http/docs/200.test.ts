import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /docs -> 200', () => {
  it('serves the reference page, without a key, under a strict Content-Security-Policy', async () => {
    const res = await fetch(`${parley.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('<redoc spec-url="/docs/openapi.json"');
    expect(html).toContain('<script src="/docs/redoc.standalone.js"></script>');
    // No inline script, nothing from another host.
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves Redoc from this server (no CDN)', async () => {
    const res = await fetch(`${parley.url}/docs/redoc.standalone.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(500_000);
  });

  it('renders the served document, its tags grouped by API: every tag in exactly one section', async () => {
    const served = await (await fetch(`${parley.url}/api/openapi.json`)).json();
    const docs = await (await fetch(`${parley.url}/docs/openapi.json`)).json();
    const { 'x-tagGroups': groups, ...rest } = docs;
    expect(rest).toEqual(served);
    const grouped = groups.flatMap((g: { tags: string[] }) => g.tags).sort();
    expect(grouped).toEqual(served.tags.map((t: { name: string }) => t.name).sort());
    const byName = Object.fromEntries(groups.map((g: { name: string; tags: string[] }) => [g.name, g.tags]));
    expect(byName['GameBoost API (/v2)']).toContain('Account Orders');
    expect(byName['Operator API (/admin/v1)']).toContain('Admin');
    expect(byName.Webhooks).toEqual(['Webhooks']);
    expect(byName.Operations).toContain('Operations');
  });
});
