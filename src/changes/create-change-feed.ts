import type { ChangeFeed, ChangeFeedErrorHandler } from './change-feed.js';
import { InProcessChangeFeed } from './in-process-change-feed.js';
import type { NotifyQuery } from './postgres-change-feed.js';

export interface CreateChangeFeedOptions {
  /** `REDIS_URL`; null: no Redis. */
  redisUrl: string | null;
  /** `PARLEY_REDIS_NAMESPACE`: the channel is `parley:<namespace>:changes` (null: `parley:changes`). */
  redisNamespace: string | null;
  /** The database when it is PostgreSQL (`DATABASE_URL`); null on SQLite. */
  postgres: { connectionString: string; channel?: string; query?: NotifyQuery } | null;
  /** Malformed messages, failing listeners, lost connections. Default: stderr. */
  onError?: ChangeFeedErrorHandler;
  /** How long a Redis publish may wait (PARLEY_REDIS_TIMEOUT_MS). Default 300 ms. */
  redisTimeoutMs?: number;
}

/**
 * Redis pub/sub when `REDIS_URL` is set, else LISTEN/NOTIFY when the database is PostgreSQL,
 * else a feed within this process (SQLite runs one instance). Rejects when the chosen server
 * does not answer, so a misconfigured instance fails at start instead of missing every change.
 */
export async function createChangeFeed(options: CreateChangeFeedOptions): Promise<ChangeFeed> {
  const { redisUrl, redisNamespace, postgres, onError, redisTimeoutMs } = options;
  // The Redis and PostgreSQL clients are loaded only when used (a SQLite instance needs neither).
  if (redisUrl !== null) {
    const { DEFAULT_REDIS_CHANGE_NAMESPACE, RedisChangeFeed } = await import('./redis-change-feed.js');
    // Beside the rate-limit keys (`parley:rl:<namespace>:`): deployments sharing a Redis stay apart.
    const namespace = redisNamespace ? `${DEFAULT_REDIS_CHANGE_NAMESPACE}:${redisNamespace}` : DEFAULT_REDIS_CHANGE_NAMESPACE;
    return RedisChangeFeed.connect(redisUrl, { namespace, onError, timeoutMs: redisTimeoutMs });
  }
  if (postgres !== null) {
    const { PostgresChangeFeed } = await import('./postgres-change-feed.js');
    return PostgresChangeFeed.start({ ...postgres, onError });
  }
  return new InProcessChangeFeed({ onError });
}
