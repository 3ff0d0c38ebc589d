/**
 * What time it is for Parley: every reader of the time of day (message ids and `sent_at`,
 * timestamps, key expiry, rate-limit windows, webhook scheduling and retention) asks the one
 * clock the application was started with, so that a test clock can move time for the whole app.
 * Durations of real work (timeouts, poll and sweep intervals, how long an attempt took) are
 * measured on the real clock instead.
 */
export interface Clock {
  /** Unix milliseconds. */
  nowMs(): number;
  /** Unix seconds, the only time unit on the wire and in storage. */
  now(): number;
}

/** Unix seconds of a reading in milliseconds: for values that must come from one reading. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  now: () => Math.floor(Date.now() / 1000),
};
