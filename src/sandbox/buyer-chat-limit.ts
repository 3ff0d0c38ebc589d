import { BUYER_STEP_JOB, buyerStepHandler } from '../domain/buyer-script.js';
import type { JobHandler } from '../domain/jobs.js';
import type { RateLimitStore } from '../rate-limit/rate-limit-store.js';

/**
 * The job handlers with the scripted buyer's replies counted against the chat limit
 * (PARLEY_RATE_LIMIT_CHAT per minute, 0: off), in a bucket of the buyer's own (`buyer:<id>`),
 * since a scripted buyer has no API key.
 */
export function withBuyerChatLimit(
  handlerFor: (kind: string) => JobHandler | undefined,
  rateLimits: RateLimitStore,
  chatPerMinute: number,
): (kind: string) => JobHandler | undefined {
  if (chatPerMinute <= 0) return handlerFor;
  const step = buyerStepHandler(async (buyerId, nowMs) => {
    const decision = await rateLimits.hit(`buyer:${buyerId}:chat`, chatPerMinute, 60, nowMs);
    return decision.allowed ? null : decision.resetAtMs;
  });
  return (kind) => (kind === BUYER_STEP_JOB ? step : handlerFor(kind));
}
