import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { MemoryRateLimitStore } from '../../src/rate-limit/memory-rate-limit-store.js';

const store = new MemoryRateLimitStore(systemClock);
afterAll(() => store.close());

describe('MemoryRateLimitStore', () => {
  it('allows `limit` hits per window, then rejects without counting, then opens a new window', async () => {
    const t0 = 1_800_000_000_000;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.hit('k', 3, 60, t0 + i));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
    expect(results.every((r) => r.resetAtMs === t0 + 60_000)).toBe(true);

    const later = await store.hit('k', 3, 60, t0 + 60_000);
    expect(later).toEqual({ allowed: true, remaining: 2, resetAtMs: t0 + 120_000 });
  });

  it('keeps keys apart', async () => {
    const t0 = 1_900_000_000_000;
    await store.hit('a', 1, 60, t0);
    expect((await store.hit('a', 1, 60, t0)).allowed).toBe(false);
    expect((await store.hit('b', 1, 60, t0)).allowed).toBe(true);
  });
});
