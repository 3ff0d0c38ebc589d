import type { Clock } from '../domain/clock.js';
import type { RateLimitDecision, RateLimitStore } from './rate-limit-store.js';

interface Window {
  count: number;
  resetAtMs: number;
}

/** One process's counters. Expired windows are swept every minute so idle keys cost nothing. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  /** `clock` says which windows have expired; the sweep's interval is real time. */
  constructor(private readonly clock: Clock, sweepIntervalMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(this.clock.nowMs()), sweepIntervalMs);
    this.sweeper.unref();
  }

  async hit(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<RateLimitDecision> {
    let window = this.windows.get(key);
    if (!window || window.resetAtMs <= nowMs) {
      window = { count: 0, resetAtMs: nowMs + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    const { resetAtMs } = window;
    if (window.count >= limit) return { allowed: false, remaining: 0, resetAtMs };
    window.count++;
    return { allowed: true, remaining: limit - window.count, resetAtMs };
  }

  private sweep(nowMs: number): void {
    for (const [key, window] of this.windows) if (window.resetAtMs <= nowMs) this.windows.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
