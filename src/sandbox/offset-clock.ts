import { unixSeconds, type Clock } from '../domain/clock.js';

/**
 * The sandbox's application clock: the base clock (the wall clock, or a test's) plus an offset
 * that only `POST /admin/v1/clock/...` moves. The offset lives in the database (clock-state.ts)
 * and every instance holds a copy, re-read when the change feed says it moved; nowMs() stays
 * synchronous, a sum.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock) {}

  nowMs(): number {
    return this.base.nowMs() + this.offsetMs;
  }

  now(): number {
    return unixSeconds(this.nowMs());
  }

  /** What the base clock reads now: the offset that makes this clock read `ms` is `ms - baseMs()`. */
  baseMs(): number {
    return this.base.nowMs();
  }

  get offset(): number {
    return this.offsetMs;
  }

  setOffset(ms: number): void {
    this.offsetMs = ms;
  }
}
