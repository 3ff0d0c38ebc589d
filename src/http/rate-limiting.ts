import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitConfig } from '../config.js';
import type { RateLimitDecision } from '../rate-limit/rate-limit-store.js';
import { TooManyRequestsError } from './http-errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route writes to one resource, named by its first path parameter: writes (not GET) also
     * count against the per-resource buckets of the key and that resource (GameBoost's 5 a minute
     * and 10 an hour on one offer). The value names the kind of resource (`account-offer`), so
     * that ids of different kinds never share a counter.
     */
    perResource?: string;
  }
}

type Bucket = 'reads' | 'writes' | 'chat' | 'resourceMinute' | 'resourceHour';

const WINDOW_SECONDS: Record<Bucket, number> = { reads: 60, writes: 60, chat: 60, resourceMinute: 60, resourceHour: 3600 };

/** Each bucket a request counts against, with its counter's key (after the key's subject). */
function bucketsFor(request: FastifyRequest): { bucket: Bucket; key: string }[] {
  const read = request.method === 'GET' || request.method === 'HEAD';
  const buckets: { bucket: Bucket; key: string }[] = [read ? { bucket: 'reads', key: 'reads' } : { bucket: 'writes', key: 'writes' }];
  const config = request.routeOptions.config;
  if (config.chat) buckets.push({ bucket: 'chat', key: 'chat' });
  if (config.perResource && !read) {
    // The raw path segment: any string names one counter (a bad id answers 404 afterwards, counted).
    const resource = Object.values((request.params ?? {}) as Record<string, string>)[0] ?? '';
    const key = `res:${config.perResource}:${encodeURIComponent(resource)}`;
    buckets.push({ bucket: 'resourceMinute', key: `${key}:minute` }, { bucket: 'resourceHour', key: `${key}:hour` });
  }
  return buckets;
}

function setHeaders(reply: FastifyReply, limit: number, decision: RateLimitDecision): void {
  reply.header('X-RateLimit-Limit', String(limit));
  reply.header('X-RateLimit-Remaining', String(decision.remaining));
  reply.header('X-Ratelimit-Reset', String(Math.ceil(decision.resetAtMs / 1000)));
}

function limitOf(limits: RateLimitConfig, bucket: Bucket): number {
  return limits[bucket] ?? 0;
}

/**
 * onRequest hook, after authentication: counts the request against each bucket of its key
 * (reads or writes, plus chat for message routes, plus the per-resource minute and hour buckets
 * for writes to one offer). The headers describe the tightest bucket; a full bucket answers 429
 * with Retry-After.
 */
export function rateLimitHook(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { rateLimits, rateLimitStore, clock } = app.parley;
    const subject = request.actor.apiKeyId !== null ? `key:${request.actor.apiKeyId}` : `admin-token:${request.actor.user.id}`;
    const now = clock.nowMs();
    let tightest: { limit: number; decision: RateLimitDecision } | null = null;
    for (const { bucket, key } of bucketsFor(request)) {
      const limit = limitOf(rateLimits, bucket);
      if (limit === 0) continue; // switched off
      const decision = await rateLimitStore.hit(`${subject}:${key}`, limit, WINDOW_SECONDS[bucket], now);
      if (!decision.allowed) {
        setHeaders(reply, limit, decision);
        throw new TooManyRequestsError(Math.max(1, Math.ceil((decision.resetAtMs - now) / 1000)));
      }
      if (!tightest || decision.remaining < tightest.decision.remaining) tightest = { limit, decision };
    }
    if (tightest) setHeaders(reply, tightest.limit, tightest.decision);
  };
}
