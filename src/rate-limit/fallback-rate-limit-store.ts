import type { Clock } from '../domain/clock.js';
import { withDeadline } from './deadline.js';
import { OutageProbe } from './outage-probe.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitDecision, RateLimitStore } from './rate-limit-store.js';

/** A shared store that can be asked whether it answers, without counting anything. */
export interface SharedRateLimitStore extends RateLimitStore {
  ping(): Promise<void>;
}

export interface FallbackOptions {
  /** How long a hit (or a probe) may wait for the shared store. Default 300 ms. */
  timeoutMs?: number;
  /** While failing, how often to ask whether the shared store answers again. Default 1 s. */
  probeEveryMs?: number;
}

/**
 * The shared store (Redis) while it answers; this process's own counters while it does not, so a
 * Redis outage degrades the limit (each instance counts on its own) instead of failing or holding
 * requests. A hit that fails or takes longer than `timeoutMs` marks the store failing: from then
 * on hits go straight to the local counters, and a background probe (a PING every
 * `probeEveryMs`, under the same deadline) switches back once Redis answers. So a stalled Redis
 * costs one request at most one timeout, and the requests after it nothing. Back on Redis, its
 * counters (which kept their windows) apply again.
 */
export class FallbackRateLimitStore implements RateLimitStore {
  private readonly local: MemoryRateLimitStore;
  private readonly timeoutMs: number;
  private readonly outage: OutageProbe;
  private closed = false;

  constructor(
    private readonly shared: SharedRateLimitStore,
    private readonly report: (message: string, error?: unknown) => void,
    clock: Clock,
    options: FallbackOptions = {},
  ) {
    this.local = new MemoryRateLimitStore(clock);
    this.timeoutMs = options.timeoutMs ?? 300;
    this.outage = new OutageProbe({
      ping: () => shared.ping(),
      timeoutMs: this.timeoutMs,
      probeEveryMs: options.probeEveryMs ?? 1_000,
      what: 'Redis (rate limits) probe',
      onDown: (error) => report('Redis (rate limits) does not answer: counting in this process until it does', error),
      onStillDown: (seconds, error) => report(`Redis (rate limits) still does not answer after ${seconds} s: counting in this process`, error),
      onBack: (seconds) => report(`Redis (rate limits) answers again after ${seconds} s; shared limits apply again`),
    });
  }

  /** True while hits are counted in this process. */
  get failing(): boolean {
    return this.outage.isDown;
  }

  async hit(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<RateLimitDecision> {
    if (!this.outage.isDown && !this.closed) {
      try {
        return await withDeadline(this.shared.hit(key, limit, windowSeconds, nowMs), this.timeoutMs, 'Redis (rate limits)');
      } catch (error) {
        this.outage.down(error);
      }
    }
    return this.local.hit(key, limit, windowSeconds, nowMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.outage.close();
    await Promise.all([this.shared.close(), this.local.close()]);
  }
}
