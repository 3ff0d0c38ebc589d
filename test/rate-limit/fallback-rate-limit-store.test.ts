import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { FallbackRateLimitStore, type SharedRateLimitStore } from '../../src/rate-limit/fallback-rate-limit-store.js';
import { MemoryRateLimitStore } from '../../src/rate-limit/memory-rate-limit-store.js';
import type { RateLimitDecision } from '../../src/rate-limit/rate-limit-store.js';
import { waitFor } from '../webhooks/receiver.js';

/**
 * A shared store the test controls: it answers (counting like the memory store), throws, or
 * stalls (its promises never settle, as with a Redis under SIGSTOP).
 */
class ControlledStore implements SharedRateLimitStore {
  mode: 'answer' | 'throw' | 'stall' = 'answer';
  hits = 0;
  pings = 0;
  private readonly counters = new MemoryRateLimitStore(systemClock);

  hit(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<RateLimitDecision> {
    this.hits++;
    return this.act(() => this.counters.hit(key, limit, windowSeconds, nowMs));
  }

  ping(): Promise<void> {
    this.pings++;
    return this.act(async () => undefined);
  }

  private act<T>(answer: () => Promise<T>): Promise<T> {
    if (this.mode === 'stall') return new Promise<T>(() => undefined);
    if (this.mode === 'throw') return Promise.reject(new Error('Redis (rate limits) is not connected'));
    return answer();
  }

  close(): Promise<void> {
    return this.counters.close();
  }
}

const T0 = 1_800_000_000_000;
const stores: FallbackRateLimitStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function setup(timeoutMs = 50, probeEveryMs = 30) {
  const shared = new ControlledStore();
  const reports: string[] = [];
  const store = new FallbackRateLimitStore(shared, (message) => reports.push(message), systemClock, { timeoutMs, probeEveryMs });
  stores.push(store);
  return { shared, reports, store };
}

describe('FallbackRateLimitStore', () => {
  it('answers a hit that the shared store never answers, from local counters, and asks the shared store no more until a probe succeeds', async () => {
    const { shared, reports, store } = setup(50, 60_000);
    expect(await store.hit('k', 5, 60, T0)).toEqual({ allowed: true, remaining: 4, resetAtMs: T0 + 60_000 });
    shared.mode = 'stall';
    // Settles (after the 50 ms deadline) instead of waiting for a reply that never comes.
    expect(await store.hit('k', 2, 60, T0)).toEqual({ allowed: true, remaining: 1, resetAtMs: T0 + 60_000 });
    expect(store.failing).toBe(true);
    expect(reports).toEqual(['Redis (rate limits) does not answer: counting in this process until it does']);
    // Every later hit is counted locally without touching the shared store: the limit still holds.
    const hitsBefore = shared.hits;
    expect((await store.hit('k', 2, 60, T0)).allowed).toBe(true);
    expect(await store.hit('k', 2, 60, T0)).toEqual({ allowed: false, remaining: 0, resetAtMs: T0 + 60_000 });
    expect(shared.hits).toBe(hitsBefore);
  });

  it('goes back to the shared store, with its counters, once a probe is answered', async () => {
    const { shared, reports, store } = setup();
    await store.hit('k', 5, 60, T0); // shared: 1
    shared.mode = 'throw';
    await store.hit('k', 5, 60, T0); // local: 1
    await store.hit('k', 5, 60, T0); // local: 2
    expect(store.failing).toBe(true);
    await waitFor(() => shared.pings >= 2, 5_000, 'probes while it fails');
    expect(store.failing).toBe(true);

    shared.mode = 'answer';
    await waitFor(() => !store.failing, 5_000, 'the probe to see the shared store answer');
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatch(/^Redis \(rate limits\) answers again after \d+ s; shared limits apply again$/);
    expect(await store.hit('k', 5, 60, T0)).toEqual({ allowed: true, remaining: 3, resetAtMs: T0 + 60_000 });
  });

  it('keeps probing while the shared store stalls, and each probe is bounded by the deadline', async () => {
    const { shared, store } = setup(20, 20);
    shared.mode = 'stall';
    await store.hit('k', 5, 60, T0);
    await waitFor(() => shared.pings >= 3, 5_000, 'a third probe: the stalled ones did not hold the loop');
    expect(store.failing).toBe(true);
    shared.mode = 'answer';
    await waitFor(() => !store.failing, 5_000, 'recovery');
  });

  it('stops probing when closed', async () => {
    const { shared, store } = setup(20, 20);
    shared.mode = 'throw';
    await store.hit('k', 5, 60, T0);
    await store.close();
    const pings = shared.pings;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shared.pings).toBe(pings);
  });
});
