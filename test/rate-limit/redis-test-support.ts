import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { REDIS_KEY_PREFIX } from '../../src/rate-limit/redis-rate-limit-store.js';

/** The Redis `.ci/run` starts; PARLEY_TEST_REDIS_URL points the suites elsewhere. */
export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL?.trim() || 'redis://127.0.0.1:6379';

export type RawRedis = ReturnType<typeof createClient>;

/** A plain client for assertions and clean-up; throws when Redis does not answer. */
export async function rawRedis(url = TEST_REDIS_URL): Promise<RawRedis> {
  const client = createClient({ url, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
  client.on('error', () => {}); // connect() rejects with it
  await client.connect();
  return client;
}

async function redisAnswers(url: string): Promise<boolean> {
  try {
    const client = await rawRedis(url);
    try {
      return (await client.ping()) === 'PONG';
    } finally {
      client.destroy();
    }
  } catch {
    return false;
  }
}

/**
 * Whether a Redis suite should be skipped: only when Redis does not answer and CI is not 'true'
 * (CI starts Redis, so there a missing Redis fails the suite instead of hiding it).
 */
export async function skipWithoutRedis(suite: string): Promise<boolean> {
  if (await redisAnswers(TEST_REDIS_URL)) return false;
  if (process.env.CI === 'true') return false;
  console.warn(`[${suite}] SKIPPED: Redis does not answer at ${TEST_REDIS_URL} (start redis-server, or run .ci/run; under CI=true this suite fails instead)`);
  return true;
}

/** A namespace of this run alone, so concurrent runs and earlier runs never share counters. */
export function uniqueNamespace(label: string): string {
  return `test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key of a namespace (SCAN, never KEYS). */
export async function deleteNamespace(client: RawRedis, namespace: string): Promise<number> {
  let deleted = 0;
  for await (const keys of client.scanIterator({ MATCH: `${REDIS_KEY_PREFIX}${namespace}:*`, COUNT: 500 })) {
    if (keys.length > 0) deleted += await client.del(keys);
  }
  return deleted;
}

/** After a suite: deletes its namespace's keys, if Redis answers at all. */
export async function forgetNamespace(namespace: string): Promise<void> {
  const raw = await rawRedis().catch(() => null);
  if (!raw) return;
  try {
    await deleteNamespace(raw, namespace);
  } finally {
    raw.destroy();
  }
}
