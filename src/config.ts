import path from 'node:path';

/** Requests per minute per key; 0 switches a bucket off. */
export interface RateLimitConfig {
  reads: number;
  writes: number;
  chat: number;
}

export interface ParleyConfig {
  host: string;
  port: number;
  database: { dialect: 'sqlite'; file: string };
  rateLimits: RateLimitConfig;
  /** Accepted as an admin key when set; never stored. */
  adminToken: string | null;
  /** 32 bytes (hex or base64) sealing credentials at rest; null: a key file beside the database. */
  encryptionKey: string | null;
  /** Seed demo data into an empty database on start. */
  seedDemo: boolean;
  logLevel: string;
  /** EUR -> USD rate used when an order is created without `price_usd`. */
  eurUsdRate: number;
}

export class ConfigError extends Error {}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number >= 0, got "${raw}"`);
  return Number(raw.trim());
}

/** Accepts a plain path, `sqlite:path` or `sqlite://path`; `postgres://` is reserved for a later release. */
export function parseDatabaseUrl(raw: string | undefined, cwd = process.cwd()): ParleyConfig['database'] {
  const value = raw?.trim() || './data/parley.sqlite';
  if (/^postgres(ql)?:\/\//i.test(value)) {
    throw new ConfigError('DATABASE_URL: PostgreSQL is not supported by this build yet; use a SQLite file path');
  }
  const file = value.replace(/^sqlite:(\/\/)?/i, '');
  if (file === '') throw new ConfigError('DATABASE_URL: empty SQLite path');
  return { dialect: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ParleyConfig {
  const rate = env.PARLEY_EUR_USD_RATE?.trim();
  const eurUsdRate = rate ? Number(rate) : 1.08;
  if (!Number.isFinite(eurUsdRate) || eurUsdRate <= 0) throw new ConfigError('PARLEY_EUR_USD_RATE must be a positive number');
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: intFrom(env, 'PORT', 8080),
    database: parseDatabaseUrl(env.DATABASE_URL),
    rateLimits: {
      reads: intFrom(env, 'PARLEY_RATE_LIMIT_READS', 1000),
      writes: intFrom(env, 'PARLEY_RATE_LIMIT_WRITES', 500),
      chat: intFrom(env, 'PARLEY_RATE_LIMIT_CHAT', 5),
    },
    adminToken: env.PARLEY_ADMIN_TOKEN?.trim() || null,
    encryptionKey: env.PARLEY_ENCRYPTION_KEY?.trim() || null,
    seedDemo: !['0', 'false', 'no'].includes((env.PARLEY_SEED_DEMO ?? 'true').trim().toLowerCase()),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    eurUsdRate,
  };
}
