import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** What a browser on another origin may send: the key, JSON bodies, safe retries, stream resumption. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID'];
/** What its script may read of an answer (beyond the CORS-safelisted ones). */
export const CORS_EXPOSED_HEADERS = [
  'X-GameBoost-Request-Id', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-Ratelimit-Reset', 'Retry-After', 'Idempotent-Replayed',
];

/** PARLEY_CORS_ORIGINS as configured: null when unset (the environment's default applies). */
export type CorsOrigins = '*' | string[] | null;

/**
 * The origins one API answers cross-origin requests from, or null for none (no CORS headers,
 * no preflight route: a browser on another origin is refused). Unset, the sandbox lets any
 * origin call /v2 (bearer keys, no cookies: nothing rides along that the page did not put
 * there) and production none; the operator API only ever answers the origins listed.
 */
export function corsOriginsFor(api: 'public' | 'admin', configured: CorsOrigins, env: 'sandbox' | 'production'): '*' | string[] | null {
  if (configured === null) return api === 'public' && env === 'sandbox' ? '*' : null;
  if (configured === '*') return api === 'public' ? '*' : null;
  return configured.length > 0 ? configured : null;
}

/**
 * @fastify/cors on one API's scope, registered before its authentication hook: a preflight
 * (OPTIONS, no key) is answered 204 by the plugin's own hook, and the answers the API refuses
 * (401, 429) still carry the headers a browser needs to read them.
 */
export async function registerCors(scope: FastifyInstance, origins: '*' | string[] | null): Promise<void> {
  if (origins === null) return;
  await scope.register(cors, {
    origin: origins,
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
    strictPreflight: true,
  });
}
