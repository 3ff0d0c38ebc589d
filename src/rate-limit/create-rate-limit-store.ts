import type { Clock } from '../domain/clock.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { FallbackRateLimitStore } from './fallback-rate-limit-store.js';
import type { ConnectOptions } from './redis-rate-limit-store.js';

export interface CreateRateLimitStoreOptions extends ConnectOptions {
  /** How long a hit may wait for Redis before this process counts on its own (PARLEY_REDIS_TIMEOUT_MS). */
  timeoutMs?: number;
  /** While Redis fails, how often to check whether it answers again. */
  probeEveryMs?: number;
}

/**
 * No Redis URL: counters live in this process (one instance). With one: counters live in Redis
 * and every process pointed at it shares them. Throws when Redis does not answer at start, so a
 * misconfigured instance fails at once; once started, a Redis outage falls back to counting in
 * the process (FallbackRateLimitStore) instead of failing requests.
 */
export async function createRateLimitStore(redisUrl: string | null, clock: Clock, options: CreateRateLimitStoreOptions = {}): Promise<RateLimitStore> {
  if (redisUrl === null) return new MemoryRateLimitStore(clock);
  // Loaded only when used: the Redis client holds ~20 MB that a SQLite instance never needs.
  const { RedisRateLimitStore } = await import('./redis-rate-limit-store.js');
  const { timeoutMs = 300, probeEveryMs } = options;
  const shared = await RedisRateLimitStore.connect(redisUrl, { commandTimeoutMs: timeoutMs, ...options });
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`parley: ${error.message}\n`));
  return new FallbackRateLimitStore(shared, (message, cause) => onError(new Error(message, { cause })), clock, { timeoutMs, probeEveryMs });
}
