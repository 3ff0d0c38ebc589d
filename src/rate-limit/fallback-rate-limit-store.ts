import type { Clock } from '../domain/clock.js';
import { withDeadline } from './deadline.js';
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

/** Still failing after this long is said again at most this often. */
const REPORT_EVERY_MS = 60_000;

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
  private readonly probeEveryMs: number;
  /** Since when Redis has been failing (null: it answers): real time (Date.now), not the app's clock. */
  private failingSince: number | null = null;
  private lastReport = 0;
  private probe: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly shared: SharedRateLimitStore,
    private readonly report: (message: string, error?: unknown) => void,
    clock: Clock,
    options: FallbackOptions = {},
  ) {
    this.local = new MemoryRateLimitStore(clock);
    this.timeoutMs = options.timeoutMs ?? 300;
    this.probeEveryMs = options.probeEveryMs ?? 1_000;
  }

  /** True while hits are counted in this process. */
  get failing(): boolean {
    return this.failingSince !== null;
  }

  async hit(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<RateLimitDecision> {
    if (this.failingSince === null && !this.closed) {
      try {
        return await withDeadline(this.shared.hit(key, limit, windowSeconds, nowMs), this.timeoutMs, 'Redis (rate limits)');
      } catch (error) {
        this.fail(error);
      }
    }
    return this.local.hit(key, limit, windowSeconds, nowMs);
  }

  private fail(error: unknown): void {
    if (this.failingSince !== null) return; // hits that were under way together: said once
    this.failingSince = Date.now();
    this.lastReport = this.failingSince;
    this.report('Redis (rate limits) does not answer: counting in this process until it does', error);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.closed) return;
    this.probe = setTimeout(() => void this.runProbe(), this.probeEveryMs);
    this.probe.unref();
  }

  private async runProbe(): Promise<void> {
    try {
      await withDeadline(this.shared.ping(), this.timeoutMs, 'Redis (rate limits) probe');
    } catch (error) {
      const now = Date.now();
      if (now - this.lastReport >= REPORT_EVERY_MS) {
        this.lastReport = now;
        this.report(`Redis (rate limits) still does not answer after ${Math.round((now - this.failingSince!) / 1000)} s: counting in this process`, error);
      }
      this.scheduleProbe();
      return;
    }
    if (this.closed || this.failingSince === null) return;
    this.report(`Redis (rate limits) answers again after ${Math.round((Date.now() - this.failingSince) / 1000)} s; shared limits apply again`);
    this.failingSince = null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.probe) clearTimeout(this.probe);
    await Promise.all([this.shared.close(), this.local.close()]);
  }
}
