import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { createRateLimitStore } from '../../src/rate-limit/create-rate-limit-store.js';
import { MemoryRateLimitStore } from '../../src/rate-limit/memory-rate-limit-store.js';
import { REDIS_KEY_PREFIX, RedisRateLimitStore } from '../../src/rate-limit/redis-rate-limit-store.js';
import { deleteNamespace, rawRedis, skipWithoutRedis, TEST_REDIS_URL, uniqueNamespace, type RawRedis } from './redis-test-support.js';

const SUITE = 'RedisRateLimitStore';
const skip = await skipWithoutRedis(SUITE);

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createRateLimitStore', () => {
  it('keeps counters in the process when there is no REDIS_URL', async () => {
    const store = await createRateLimitStore(null, systemClock);
    expect(store).toBeInstanceOf(MemoryRateLimitStore);
    await store.close();
  });

  it('fails at once with a clear error, without the password, when Redis does not answer', async () => {
    const port = await deadPort();
    const started = Date.now();
    const attempt = createRateLimitStore(`redis://parley:s3cret-password@127.0.0.1:${port}`, systemClock);
    await expect(attempt).rejects.toThrow(`REDIS_URL: cannot use Redis at redis://127.0.0.1:${port}`);
    await expect(attempt).rejects.toThrow(/ECONNREFUSED/);
    await attempt.catch((error: Error) => expect(error.message).not.toContain('s3cret'));
    expect(Date.now() - started).toBeLessThan(2_000); // no retrying
  });
});

describe.skipIf(skip)(SUITE, () => {
  const namespace = uniqueNamespace('store');
  let raw: RawRedis;
  let store: RedisRateLimitStore;
  let other: RedisRateLimitStore; // a second client: another Parley process

  beforeAll(async () => {
    raw = await rawRedis();
    store = await RedisRateLimitStore.connect(TEST_REDIS_URL, { namespace });
    other = await RedisRateLimitStore.connect(TEST_REDIS_URL, { namespace });
  });
  afterAll(async () => {
    await store?.close();
    await other?.close();
    if (raw) {
      await deleteNamespace(raw, namespace);
      raw.destroy();
    }
  });

  it('allows `limit` hits per window, then rejects without counting, then opens a new window', async () => {
    const t0 = 1_800_000_000_000;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.hit('k', 3, 60, t0 + i));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
    expect(results.every((r) => r.resetAtMs === t0 + 60_000)).toBe(true);
    // The rejected hit left the count at the limit.
    expect(await raw.hGetAll(`${REDIS_KEY_PREFIX}${namespace}:k`)).toEqual({ count: '3', reset: String(t0 + 60_000) });

    expect(await store.hit('k', 3, 60, t0 + 59_999)).toEqual({ allowed: false, remaining: 0, resetAtMs: t0 + 60_000 });
    const later = await store.hit('k', 3, 60, t0 + 60_000);
    expect(later).toEqual({ allowed: true, remaining: 2, resetAtMs: t0 + 120_000 });
  });

  it('gives the same answers as the memory store for the same hits', async () => {
    const memory = new MemoryRateLimitStore(systemClock);
    try {
      const t0 = 1_850_000_000_000;
      const times = [0, 1, 2, 3, 4, 29_999, 30_000, 30_001, 59_000, 61_000, 61_001];
      for (const dt of times) {
        expect(await store.hit('parity', 3, 30, t0 + dt)).toEqual(await memory.hit('parity', 3, 30, t0 + dt));
      }
    } finally {
      await memory.close();
    }
  });

  it('keeps keys apart', async () => {
    const t0 = 1_900_000_000_000;
    await store.hit('a', 1, 60, t0);
    expect((await store.hit('a', 1, 60, t0)).allowed).toBe(false);
    expect((await store.hit('b', 1, 60, t0)).allowed).toBe(true);
  });

  it('keeps namespaces apart (deployments sharing one Redis)', async () => {
    const elsewhere = await RedisRateLimitStore.connect(TEST_REDIS_URL, { namespace: `${namespace}:elsewhere` });
    try {
      const t0 = 1_900_000_000_000;
      await store.hit('ns', 1, 60, t0);
      expect((await store.hit('ns', 1, 60, t0)).allowed).toBe(false);
      expect((await elsewhere.hit('ns', 1, 60, t0)).allowed).toBe(true);
    } finally {
      await elsewhere.close();
    }
  });

  it('shares one window between clients: a second process sees the first one\'s hits', async () => {
    const t0 = 1_950_000_000_000;
    expect(await store.hit('shared', 2, 60, t0)).toEqual({ allowed: true, remaining: 1, resetAtMs: t0 + 60_000 });
    expect(await other.hit('shared', 2, 60, t0 + 5)).toEqual({ allowed: true, remaining: 0, resetAtMs: t0 + 60_000 });
    expect(await store.hit('shared', 2, 60, t0 + 6)).toEqual({ allowed: false, remaining: 0, resetAtMs: t0 + 60_000 });
  });

  it('sets the key to expire with the window when it opens it, and only then', async () => {
    const key = `${REDIS_KEY_PREFIX}${namespace}:ttl`;
    const t0 = Date.now();
    await store.hit('ttl', 2, 60, t0);
    const opened = await raw.pTTL(key);
    expect(opened).toBeGreaterThan(55_000);
    expect(opened).toBeLessThanOrEqual(60_000);
    await raw.pExpire(key, 30_000); // mark it: later hits in the same window must not touch the TTL
    await store.hit('ttl', 2, 60, t0 + 1);
    await store.hit('ttl', 2, 60, t0 + 2); // rejected
    expect(await raw.pTTL(key)).toBeLessThanOrEqual(30_000);
  });

  it('counts exactly `limit` of 200 concurrent hits from two clients on one key', async () => {
    const t0 = Date.now();
    const hits = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? store : other).hit('race', 50, 60, t0));
    const results = await Promise.all(hits);
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(50);
    expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(results.filter((r) => !r.allowed).every((r) => r.remaining === 0)).toBe(true);
    expect(new Set(results.map((r) => r.resetAtMs))).toEqual(new Set([t0 + 60_000]));
    expect(await raw.hGet(`${REDIS_KEY_PREFIX}${namespace}:race`, 'count')).toBe('50');
  });

  it('loads the script again after Redis forgets it (EVALSHA -> NOSCRIPT -> EVAL)', async () => {
    const t0 = 1_990_000_000_000;
    await store.hit('flush', 2, 60, t0);
    await raw.scriptFlush();
    expect(await store.hit('flush', 2, 60, t0 + 1)).toEqual({ allowed: true, remaining: 0, resetAtMs: t0 + 60_000 });
  });

  it('closes idempotently', async () => {
    const extra = await RedisRateLimitStore.connect(TEST_REDIS_URL, { namespace });
    await extra.close();
    await extra.close();
  });
});
