import type { Clock } from '../domain/clock.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitDecision, RateLimitStore } from './rate-limit-store.js';

/** Reporting the outage once per this long is enough: every request would otherwise log it. */
const REPORT_EVERY_MS = 10_000;

/**
 * The shared store (Redis) while it answers; this process's own counters while it does not, so a
 * Redis outage degrades the limit (each instance counts on its own) instead of failing every
 * request. Back on Redis, its counters (which kept their windows) apply again.
 */
export class FallbackRateLimitStore implements RateLimitStore {
  private readonly local: MemoryRateLimitStore;
  /** How long Redis has been away and when that was last said: real time (Date.now), not the app's clock. */
  private failingSince: number | null = null;
  private lastReport = 0;

  constructor(
    private readonly shared: RateLimitStore,
    private readonly report: (message: string, error?: unknown) => void,
    clock: Clock,
  ) {
    this.local = new MemoryRateLimitStore(clock);
  }

  async hit(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<RateLimitDecision> {
    try {
      const decision = await this.shared.hit(key, limit, windowSeconds, nowMs);
      if (this.failingSince !== null) {
        this.report(`Redis (rate limits) answers again after ${Math.round((Date.now() - this.failingSince) / 1000)} s; shared limits apply again`);
        this.failingSince = null;
      }
      return decision;
    } catch (error) {
      const now = Date.now();
      this.failingSince ??= now;
      if (now - this.lastReport >= REPORT_EVERY_MS) {
        this.lastReport = now;
        this.report('Redis (rate limits) does not answer: counting in this process until it does', error);
      }
      return this.local.hit(key, limit, windowSeconds, nowMs);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.close(), this.local.close()]);
  }
}
