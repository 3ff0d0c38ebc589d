import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const DOCS_PATH = '/docs';

/**
 * Redoc renders with its own bundle and this origin's document only. What it needs beyond
 * 'self': inline styles (styled-components writes <style> elements at run time), blob: workers
 * (its search index runs in a worker made from a Blob), data: images (its icons). No
 * 'unsafe-eval' and no inline script: the page starts Redoc from a <redoc> element.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': DOCS_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley API reference</title>
</head>
<body>
<redoc spec-url="${DOCS_PATH}/openapi.json" sort-tags-alphabetically="false" expand-responses="200,201" json-sample-expand-level="3"></redoc>
<script src="${DOCS_PATH}/redoc.standalone.js"></script>
</body>
</html>
`;

type Json = Record<string, unknown>;

/**
 * The served document with Redoc's `x-tagGroups`: the GameBoost API (/v2), Parley's operator
 * API (/admin/v1), the webhooks (their management and the payloads Parley POSTs) and the
 * operational routes each in a section of their own. A tag is placed by the paths of its
 * operations; one that spans both APIs is a section of its own (Webhooks).
 */
export function withTagGroups(document: Json): Json {
  const prefixes = new Map<string, Set<string>>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, { tags?: string[] }>>)) {
    const api = path.startsWith('/v2/') ? 'public' : path.startsWith('/admin/v1/') ? 'admin' : 'other';
    for (const op of Object.values(item)) for (const tag of op.tags ?? []) prefixes.set(tag, (prefixes.get(tag) ?? new Set()).add(api));
  }
  const groups: Record<string, string[]> = { 'GameBoost API (/v2)': [], 'Operator API (/admin/v1)': [], Webhooks: [], Operations: [] };
  for (const { name } of document.tags as { name: string }[]) {
    const apis = prefixes.get(name) ?? new Set(['other']);
    const group = apis.size > 1 || name === 'Webhooks' ? 'Webhooks'
      : apis.has('public') ? 'GameBoost API (/v2)'
        : apis.has('admin') ? 'Operator API (/admin/v1)'
          : 'Operations';
    groups[group]!.push(name);
  }
  return { ...document, 'x-tagGroups': Object.entries(groups).filter(([, tags]) => tags.length > 0).map(([name, tags]) => ({ name, tags })) };
}

function secured(reply: FastifyReply): FastifyReply {
  return reply.headers(SECURITY_HEADERS);
}

/**
 * `GET /docs`: the API reference, rendered by Redoc (2.5, served from node_modules: no CDN)
 * from the document the server serves at /api/openapi.json. Outside the API: no key.
 */
export function docsRoutes(openApiJson: () => Promise<string>) {
  return async (app: FastifyInstance): Promise<void> => {
    // Both read on first use: most servers are never asked for their reference.
    let bundle: Buffer | null = null;
    let document: Promise<string> | null = null;
    const documentJson = () => (document ??= openApiJson().then((json) => JSON.stringify(withTagGroups(JSON.parse(json) as Json))));
    app.get(DOCS_PATH, async (_request, reply) => secured(reply).type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(PAGE));
    app.get(`${DOCS_PATH}/openapi.json`, async (_request, reply) =>
      secured(reply).type('application/json; charset=utf-8').header('Cache-Control', 'no-cache').send(await documentJson()));
    app.get(`${DOCS_PATH}/redoc.standalone.js`, async (_request, reply) => {
      bundle ??= readFileSync(createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js'));
      return secured(reply).type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(bundle);
    });
  };
}
