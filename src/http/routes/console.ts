import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONSOLE_PATH = '/console';
const ASSETS_PATH = `${CONSOLE_PATH}/assets`;

/**
 * Only the console's own files, and calls to this origin (the API and its streams). No inline
 * script or style: the page references its hashed bundle, so nothing needs 'unsafe-inline'.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The folder `npm run build:web` writes: dist/web below the package root, from src/ or dist/src/ alike. */
export function defaultConsoleDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'web');
}

interface Asset {
  body: Buffer;
  /** The same bytes gzipped once at start (about a third of the script's size). */
  gzipped: Buffer;
  type: string;
}

interface ConsoleFiles {
  html: string;
  etag: string;
  assets: Map<string, Asset>;
}

/** Read once at start: the build is immutable while the server runs. Null when not built. */
function readConsole(dir: string, env: string): ConsoleFiles | null {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return null;
  const html = readFileSync(index, 'utf8').replace('%PARLEY_ENV%', env);
  const assets = new Map<string, Asset>();
  // Only what this page names: earlier builds' files may still lie in the folder.
  for (const [, name] of html.matchAll(/"\/console\/assets\/([\w.-]+)"/g)) {
    const type = TYPES[path.extname(name!)];
    const file = path.join(dir, 'assets', name!);
    if (!type || !existsSync(file)) continue;
    const body = readFileSync(file);
    assets.set(name!, { body, gzipped: gzipSync(body, { level: 9 }), type });
  }
  return { html, etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 22)}"`, assets };
}

/**
 * The web console (`/console`): a page and its hashed assets, outside the API (not in the
 * OpenAPI document, no key: the page signs in with the API itself). The page is revalidated on
 * every load (no-cache, with an ETag) so a new build is picked up; assets are named by the hash
 * of their bytes and cached for good.
 */
export function consoleRoutes(options: { dir: string; env: string }) {
  return async (app: FastifyInstance): Promise<void> => {
    const files = readConsole(options.dir, options.env);
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(SECURITY_HEADERS);
      done();
    });

    const page = async (request: { headers: Record<string, string | string[] | undefined> }, reply: FastifyReply) => {
      if (!files) {
        return reply.code(503).header('Cache-Control', 'no-store').type('text/plain; charset=utf-8')
          .send('The console is not built: run `npm run build:web` (or `npm run build`) and restart Parley.\n');
      }
      reply.header('Cache-Control', 'no-cache').header('ETag', files.etag);
      if (request.headers['if-none-match'] === files.etag) return reply.code(304).send();
      return reply.type('text/html; charset=utf-8').send(files.html);
    };
    app.get(CONSOLE_PATH, page);
    app.get(`${CONSOLE_PATH}/`, page);

    app.get<{ Params: { file: string } }>(`${ASSETS_PATH}/:file`, async (request, reply) => {
      const asset = files?.assets.get(request.params.file);
      // The app's own 404 (the API's shape), with this route's security headers already set.
      if (!asset) return reply.callNotFound();
      reply.header('Cache-Control', 'public, max-age=31536000, immutable').header('Vary', 'Accept-Encoding').type(asset.type);
      const accepts = request.headers['accept-encoding'];
      if (typeof accepts === 'string' && /\bgzip\b/.test(accepts)) return reply.header('Content-Encoding', 'gzip').send(asset.gzipped);
      return reply.send(asset.body);
    });
  };
}
