import { createHash } from 'node:crypto';
import { createClient, ErrorReply, type RedisClientType } from 'redis';
import { withDeadline } from './deadline.js';
import type { SharedRateLimitStore } from './fallback-rate-limit-store.js';
import type { RateLimitDecision } from './rate-limit-store.js';

/** Every key this store writes starts with this. */
export const REDIS_KEY_PREFIX = 'parley:rl:';

/**
 * Check-and-increment of one fixed window, atomic because Redis runs a script alone.
 * A window is a hash {count, reset}; `reset` is the Unix millisecond the window ends.
 *
 * KEYS[1]  the window
 * ARGV[1]  limit
 * ARGV[2]  window length in ms (also the key's TTL when the window opens)
 * ARGV[3]  now, Unix ms, from the caller's clock
 * ARGV[4]  now + window length, computed by the caller (stored verbatim: Lua would format a
 *          13-digit number with %.14g, one digit from losing precision)
 *
 * Returns {allowed (1/0), remaining, reset}. A rejected hit writes nothing, like the memory store.
 */
const HIT_SCRIPT = `
local limit = tonumber(ARGV[1])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'count', 'reset')
local count = tonumber(state[1])
local reset = tonumber(state[2])
if count == nil or reset == nil or reset <= now then
  redis.call('HSET', KEYS[1], 'count', 0, 'reset', ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  count = 0
  reset = tonumber(ARGV[4])
end
if count >= limit then
  return {0, 0, reset}
end
count = redis.call('HINCRBY', KEYS[1], 'count', 1)
return {1, limit - count, reset}
`;

const HIT_SCRIPT_SHA1 = createHash('sha1').update(HIT_SCRIPT).digest('hex');

/** The few client calls the store makes (a node-redis v5 client has them). */
export type RedisRateLimitClient = Pick<RedisClientType, 'evalSha' | 'eval' | 'ping' | 'close' | 'destroy' | 'isReady'>;

export interface RedisRateLimitStoreOptions {
  /**
   * Put after `parley:rl:` so that deployments sharing one Redis keep their counters apart
   * (API key ids restart at 1 in every database). Empty: no namespace.
   */
  namespace?: string;
}

export interface ConnectOptions extends RedisRateLimitStoreOptions {
  /** Errors of an established connection (lost connection, failed reconnects). Default: stderr. */
  onError?: (error: Error) => void;
  /** How long the first connection (TCP and handshake) may take before start-up fails. Default 5 s. */
  connectTimeoutMs?: number;
  /**
   * node-redis's own timeout for a command still waiting to be written (while reconnecting).
   * It stops counting once the command is written: FallbackRateLimitStore bounds the round trip.
   */
  commandTimeoutMs?: number;
}

/** `redis://user:secret@host` -> `redis://host`: URLs may carry a password, error messages must not. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/**
 * The rate-limit store shared by every Parley process pointed at the same Redis: one global
 * count per key and bucket, with exactly the memory store's semantics (a fixed window opened by
 * the first hit, `windowSeconds` long; a rejected hit does not count).
 *
 * Time comes from the caller's `nowMs`, not from Redis's TIME: the hook computes Retry-After from
 * its own clock and the returned reset, so both must share one clock; the memory store works the
 * same way, and tests can drive windows with synthetic times. Across hosts this needs clocks kept
 * in sync (NTP): a process whose clock runs d ms ahead sees a window end up to d ms early. The
 * key's TTL (the window length, counted by Redis from the hit that opened it) lets Redis drop
 * finished windows; it can end a window early for a process whose clock lags, never extend one.
 */
export class RedisRateLimitStore implements SharedRateLimitStore {
  private readonly prefix: string;
  private closed: Promise<void> | null = null;

  constructor(
    private readonly client: RedisRateLimitClient,
    options: RedisRateLimitStoreOptions = {},
  ) {
    this.prefix = options.namespace ? `${REDIS_KEY_PREFIX}${options.namespace}:` : REDIS_KEY_PREFIX;
  }

  /**
   * Connects to `url` and answers only once Redis does: a refused, timed-out or rejected
   * (auth, TLS) first connection throws at once instead of retrying. After that, a lost
   * connection is retried with back-off; hits issued meanwhile fail at once (create-rate-limit-store
   * falls back to counting in the process until Redis is back).
   */
  static async connect(url: string, options: ConnectOptions = {}): Promise<RedisRateLimitStore> {
    let ready = false;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const client = createClient({
      url,
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries, cause) => (ready ? Math.min(50 * 2 ** retries, 2_000) : cause),
      },
      commandOptions: { timeout: options.commandTimeoutMs ?? 1_000 },
    });
    const onError = options.onError ?? ((error: Error) => process.stderr.write(`parley: Redis (rate limits): ${error.message}\n`));
    client.on('error', (error: Error) => {
      if (ready) onError(error); // before that, connect() rejects with it
    });
    try {
      // connectTimeout covers TCP only; a Redis that accepts and never answers would hold the handshake.
      await withDeadline(client.connect(), connectTimeoutMs, 'connecting');
    } catch (error) {
      try {
        client.destroy();
      } catch {
        // already closed by the failed connect
      }
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new Error(`REDIS_URL: cannot use Redis at ${redactRedisUrl(url)}: ${reason || 'no answer'}`, { cause: error });
    }
    ready = true;
    return new RedisRateLimitStore(client, options);
  }

  async hit(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<RateLimitDecision> {
    // While the connection is down, fail now rather than after the command timeout.
    if (!this.client.isReady) throw new Error('Redis (rate limits) is not connected');
    const now = Math.floor(nowMs);
    const windowMs = Math.max(1, Math.round(windowSeconds * 1000));
    const script = {
      keys: [this.prefix + key],
      arguments: [String(limit), String(windowMs), String(now), String(now + windowMs)],
    };
    let reply: unknown;
    try {
      try {
        reply = await this.client.evalSha(HIT_SCRIPT_SHA1, script);
      } catch (error) {
        // First use on this server, or its script cache was flushed: EVAL caches it again.
        if (!(error instanceof ErrorReply && error.message.startsWith('NOSCRIPT'))) throw error;
        reply = await this.client.eval(HIT_SCRIPT, script);
      }
    } catch (error) {
      // node-redis's TimeoutError has no message; the log of the 500 should say what failed.
      const reason = error instanceof Error ? error.message || error.constructor.name : String(error);
      throw new Error(`Redis (rate limits): ${reason}`, { cause: error });
    }
    const [allowed, remaining, resetAtMs] = reply as [number, number, number];
    return { allowed: allowed === 1, remaining, resetAtMs };
  }

  /** Resolves when Redis answers a PING; rejects at once while the connection is down. */
  async ping(): Promise<void> {
    if (!this.client.isReady) throw new Error('Redis (rate limits) is not connected');
    await this.client.ping();
  }

  /**
   * Closes the connection once pending hits have their replies (node-redis 5's replacement for
   * QUIT); if Redis is gone and they never come, drops it after two seconds. Idempotent.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 2_000)));
      const outcome = await Promise.race([this.client.close().catch(() => undefined), gaveUp]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        try {
          this.client.destroy();
        } catch {
          // already closed
        }
      }
    })();
    return this.closed;
  }
}
