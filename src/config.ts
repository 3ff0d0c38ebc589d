import path from 'node:path';
import { LOG_FORMATS, type LogFormat } from './logging.js';
import type { CorsOrigins } from './http/cors.js';
import { DEFAULT_HTTP_SERVER_LIMITS, type HttpServerLimits } from './http/transport.js';
import { DEFAULT_STREAM_SETTINGS, type StreamSettings } from './live/live-streams.js';
import { DEFAULT_RETRY_SCHEDULE, DEFAULT_WEBHOOK_CONCURRENCY } from './webhooks/delivery-worker.js';

/** Requests per minute per key; 0 switches a bucket off. */
export interface RateLimitConfig {
  reads: number;
  writes: number;
  chat: number;
  /** Writes to one resource (an offer) per key, per minute and per hour; absent or 0: off. */
  resourceMinute?: number;
  resourceHour?: number;
}

export interface WebhookConfig {
  /** Seconds before each retry; length + 1 attempts in all. */
  retrySchedule: number[];
  secretGraceSeconds: number;
  pollMs: number;
  timeoutMs: number;
  leaseMs: number;
  /** Finished events (and their deliveries and attempts) older than this many days are deleted; 0 keeps them. */
  retentionDays: number;
  /** Attempts under way at once per endpoint (PARLEY_WEBHOOK_CONCURRENCY, at least 1). */
  concurrency: number;
}

/** SQLite file (`:memory:` allowed) or a PostgreSQL connection URL. */
export type DatabaseConfig = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface ParleyConfig {
  host: string;
  port: number;
  database: DatabaseConfig;
  /** Deadline of each PostgreSQL query once serving, in milliseconds; 0: none. Unused on SQLite. */
  postgresQueryTimeoutMs: number;
  rateLimits: RateLimitConfig;
  /** Redis holding the rate-limit counters, shared by every instance; null: counters in this process. */
  redisUrl: string | null;
  /** Separates the counters of deployments sharing one Redis (keys `parley:rl:<namespace>:...`). */
  redisNamespace: string | null;
  /** How long a rate-limit hit or a change publish may wait for Redis before the fallback applies. */
  redisTimeoutMs: number;
  /** Accepted as an admin key when set; never stored. */
  adminToken: string | null;
  /** Failed authentications per client address and minute before 429s; 0: off. */
  authFailuresPerMinute: number;
  /** How long an Idempotency-Key's answer is kept (seconds; default 24 h). */
  idempotencyTtlSeconds: number;
  /** Seconds a resolved API key is trusted without a database read (revocations reach every instance at once through the change feed); 0: off. */
  authCacheSeconds: number;
  /** 32 bytes (hex or base64) sealing credentials at rest; null: a key file beside the SQLite file (required with PostgreSQL). */
  encryptionKey: string | null;
  /** Seed demo data into an empty database on start. */
  seedDemo: boolean;
  logLevel: string;
  /** PARLEY_CORS_ORIGINS: `*`, a list of origins, `none` ([]), or null when unset (src/http/cors.ts). */
  corsOrigins: CorsOrigins;
  /** LOG_FORMAT: `json` (default) or `pretty` (src/logging.ts). */
  logFormat: LogFormat;
  /** sandbox accepts http and loopback webhook URLs; production only public https ones. */
  env: 'sandbox' | 'production';
  webhooks: WebhookConfig;
  /** EUR -> USD rate used when an order is created without `price_usd`. */
  eurUsdRate: number;
  /** Slow clients: request and header time limits, keep-alive, connections per client address. */
  http: HttpServerLimits;
  /** Live event streams (PARLEY_STREAM_*; docs/api.md). */
  streams: StreamSettings;
}

export class ConfigError extends Error {}

/**
 * The shortest PARLEY_ADMIN_TOKEN taken in production (and below which start-up warns): it opens
 * every order and the operator API, and is compared as given, so it must be unguessable itself.
 */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Whether the configured admin token is too short to be unguessable (warned at start in the sandbox). */
export function adminTokenTooShort(token: string | null): boolean {
  return token !== null && token.length < MIN_ADMIN_TOKEN_LENGTH;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number >= 0, got "${raw}"`);
  return Number(raw.trim());
}

/** `postgres://` or `postgresql://` selects PostgreSQL; a plain path, `sqlite:path` or `sqlite://path` SQLite. */
export function parseDatabaseUrl(raw: string | undefined, cwd = process.cwd()): ParleyConfig['database'] {
  const value = raw?.trim() || './data/parley.sqlite';
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL: not a valid postgres:// URL');
    }
    return { dialect: 'postgres', url: value };
  }
  const file = value.replace(/^sqlite:(\/\/)?/i, '');
  if (file === '') throw new ConfigError('DATABASE_URL: empty SQLite path');
  return { dialect: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
}

function webhookConcurrencyFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.PARLEY_WEBHOOK_CONCURRENCY?.trim();
  if (!raw) return DEFAULT_WEBHOOK_CONCURRENCY;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new ConfigError(`PARLEY_WEBHOOK_CONCURRENCY must be a whole number >= 1 (attempts at once per endpoint), got "${raw}"`);
  }
  return Number(raw);
}

function retryScheduleFrom(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_RETRY_SCHEDULE;
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) {
    throw new ConfigError('PARLEY_WEBHOOK_RETRY_SCHEDULE must be a comma list of seconds, e.g. "10,60,300"');
  }
  return parts.map(Number);
}

/** `redis://` or `rediss://` (TLS); unset or empty: no Redis. */
export function parseRedisUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!/^rediss?:\/\/./i.test(value)) throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
  return value;
}

/** PARLEY_REDIS_TIMEOUT_MS: whole milliseconds, at least 1 (300 when unset). */
function redisTimeoutFrom(env: NodeJS.ProcessEnv): number {
  const ms = intFrom(env, 'PARLEY_REDIS_TIMEOUT_MS', 300);
  if (ms < 1) throw new ConfigError('PARLEY_REDIS_TIMEOUT_MS must be at least 1 (milliseconds)');
  return ms;
}

/** PARLEY_STREAM_*: each at least 1, except the retention (0 keeps every event). */
function streamSettingsFrom(env: NodeJS.ProcessEnv): StreamSettings {
  const d = DEFAULT_STREAM_SETTINGS;
  const positive = (name: string, fallback: number) => {
    const value = intFrom(env, name, fallback);
    if (value < 1) throw new ConfigError(`${name} must be at least 1`);
    return value;
  };
  return {
    tokenSeconds: positive('PARLEY_STREAM_TOKEN_SECONDS', d.tokenSeconds),
    heartbeatSeconds: positive('PARLEY_STREAM_HEARTBEAT_SECONDS', d.heartbeatSeconds),
    maxPerKey: positive('PARLEY_STREAM_MAX_PER_KEY', d.maxPerKey),
    bufferBytes: positive('PARLEY_STREAM_BUFFER_BYTES', d.bufferBytes),
    retentionHours: intFrom(env, 'PARLEY_STREAM_RETENTION_HOURS', d.retentionHours),
    replayMax: positive('PARLEY_STREAM_REPLAY_MAX', d.replayMax),
  };
}

/** PARLEY_CORS_ORIGINS: unset or empty (the default), `none`, `*`, or a comma list of `scheme://host[:port]`. */
function corsOriginsFrom(raw: string | undefined): CorsOrigins {
  const value = raw?.trim();
  if (!value) return null;
  if (value.toLowerCase() === 'none') return [];
  if (value === '*') return '*';
  const origins = value.split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const origin of origins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`PARLEY_CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path or trailing slash); or use * or none`);
    }
  }
  return origins;
}

/** LOG_FORMAT: json (unset or empty) or pretty. */
function logFormatFrom(raw: string | undefined): LogFormat {
  const value = raw?.trim().toLowerCase() || 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(value)) throw new ConfigError('LOG_FORMAT must be json or pretty');
  return value as LogFormat;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ParleyConfig {
  const parleyEnv = (env.PARLEY_ENV?.trim() || 'sandbox').toLowerCase();
  if (parleyEnv !== 'sandbox' && parleyEnv !== 'production') throw new ConfigError('PARLEY_ENV must be sandbox or production');
  const rate = env.PARLEY_EUR_USD_RATE?.trim();
  const eurUsdRate = rate ? Number(rate) : 1.08;
  if (!Number.isFinite(eurUsdRate) || eurUsdRate <= 0) throw new ConfigError('PARLEY_EUR_USD_RATE must be a positive number');
  const adminToken = env.PARLEY_ADMIN_TOKEN?.trim() || null;
  if (parleyEnv === 'production' && adminTokenTooShort(adminToken)) {
    throw new ConfigError(`PARLEY_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters in production (e.g. openssl rand -hex 32)`);
  }
  const database = parseDatabaseUrl(env.DATABASE_URL);
  if (database.dialect === 'postgres' && !env.PARLEY_ENCRYPTION_KEY?.trim()) {
    // No key file beside a server database: every instance must seal with the same key.
    throw new ConfigError('PARLEY_ENCRYPTION_KEY is required with PostgreSQL (32 bytes as 64 hex characters or base64; the same on every instance)');
  }
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: intFrom(env, 'PORT', 8080),
    database,
    postgresQueryTimeoutMs: intFrom(env, 'PARLEY_PG_QUERY_TIMEOUT_MS', 15_000),
    rateLimits: {
      reads: intFrom(env, 'PARLEY_RATE_LIMIT_READS', 1000),
      writes: intFrom(env, 'PARLEY_RATE_LIMIT_WRITES', 500),
      chat: intFrom(env, 'PARLEY_RATE_LIMIT_CHAT', 5),
      resourceMinute: intFrom(env, 'PARLEY_RATE_LIMIT_RESOURCE_MINUTE', 5),
      resourceHour: intFrom(env, 'PARLEY_RATE_LIMIT_RESOURCE_HOUR', 10),
    },
    redisUrl: parseRedisUrl(env.REDIS_URL),
    redisNamespace: env.PARLEY_REDIS_NAMESPACE?.trim() || null,
    redisTimeoutMs: redisTimeoutFrom(env),
    adminToken,
    authFailuresPerMinute: intFrom(env, 'PARLEY_AUTH_FAILURES_PER_MINUTE', 20),
    idempotencyTtlSeconds: intFrom(env, 'PARLEY_IDEMPOTENCY_TTL_SECONDS', 86_400),
    authCacheSeconds: intFrom(env, 'PARLEY_AUTH_CACHE_SECONDS', 10),
    encryptionKey: env.PARLEY_ENCRYPTION_KEY?.trim() || null,
    seedDemo: !['0', 'false', 'no'].includes((env.PARLEY_SEED_DEMO ?? 'true').trim().toLowerCase()),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    logFormat: logFormatFrom(env.LOG_FORMAT),
    corsOrigins: corsOriginsFrom(env.PARLEY_CORS_ORIGINS),
    env: parleyEnv,
    webhooks: {
      retrySchedule: retryScheduleFrom(env.PARLEY_WEBHOOK_RETRY_SCHEDULE),
      secretGraceSeconds: intFrom(env, 'PARLEY_WEBHOOK_SECRET_GRACE_SECONDS', 86400),
      pollMs: intFrom(env, 'PARLEY_WEBHOOK_POLL_MS', 250),
      timeoutMs: 10_000,
      leaseMs: intFrom(env, 'PARLEY_WEBHOOK_LEASE_MS', 20_000),
      concurrency: webhookConcurrencyFrom(env),
      retentionDays: intFrom(env, 'PARLEY_WEBHOOK_RETENTION_DAYS', 30),
    },
    eurUsdRate,
    http: {
      requestTimeoutSeconds: intFrom(env, 'PARLEY_REQUEST_TIMEOUT_SECONDS', DEFAULT_HTTP_SERVER_LIMITS.requestTimeoutSeconds),
      headersTimeoutSeconds: intFrom(env, 'PARLEY_HEADERS_TIMEOUT_SECONDS', DEFAULT_HTTP_SERVER_LIMITS.headersTimeoutSeconds),
      keepAliveTimeoutSeconds: intFrom(env, 'PARLEY_KEEP_ALIVE_TIMEOUT_SECONDS', DEFAULT_HTTP_SERVER_LIMITS.keepAliveTimeoutSeconds),
      maxConnectionsPerIp: intFrom(env, 'PARLEY_MAX_CONNECTIONS_PER_IP', DEFAULT_HTTP_SERVER_LIMITS.maxConnectionsPerIp),
    },
    streams: streamSettingsFrom(env),
  };
}
