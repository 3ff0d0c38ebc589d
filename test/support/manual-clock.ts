import type { Clock } from '../../src/domain/clock.js';

/** A clock that stands still until the test moves it. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}

  nowMs(): number {
    return this.ms;
  }

  now(): number {
    return Math.floor(this.ms / 1000);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
