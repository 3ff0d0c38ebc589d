import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitDecision } from '../rate-limit/rate-limit-store.js';
import { TooManyRequestsError } from './http-errors.js';

type Bucket = 'reads' | 'writes' | 'chat';

const WINDOW_SECONDS = 60;

function bucketsFor(request: FastifyRequest): Bucket[] {
  const buckets: Bucket[] = [request.method === 'GET' || request.method === 'HEAD' ? 'reads' : 'writes'];
  if (request.routeOptions.config.chat) buckets.push('chat');
  return buckets;
}

function setHeaders(reply: FastifyReply, limit: number, decision: RateLimitDecision): void {
  reply.header('X-RateLimit-Limit', String(limit));
  reply.header('X-RateLimit-Remaining', String(decision.remaining));
  reply.header('X-Ratelimit-Reset', String(Math.ceil(decision.resetAtMs / 1000)));
}

/**
 * onRequest hook, after authentication: counts the request against each bucket of its key
 * (reads or writes, plus chat for message routes). The headers describe the tightest bucket;
 * a full bucket answers 429 with Retry-After.
 */
export function rateLimitHook(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { rateLimits, rateLimitStore, clock } = app.parley;
    const subject = request.actor.apiKeyId !== null ? `key:${request.actor.apiKeyId}` : `admin-token:${request.actor.user.id}`;
    const now = clock.nowMs();
    let tightest: { limit: number; decision: RateLimitDecision } | null = null;
    for (const bucket of bucketsFor(request)) {
      const limit = rateLimits[bucket];
      if (limit === 0) continue; // switched off
      const decision = await rateLimitStore.hit(`${subject}:${bucket}`, limit, WINDOW_SECONDS, now);
      if (!decision.allowed) {
        setHeaders(reply, limit, decision);
        throw new TooManyRequestsError(Math.max(1, Math.ceil((decision.resetAtMs - now) / 1000)));
      }
      if (!tightest || decision.remaining < tightest.decision.remaining) tightest = { limit, decision };
    }
    if (tightest) setHeaders(reply, tightest.limit, tightest.decision);
  };
}
