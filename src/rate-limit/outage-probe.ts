import { withDeadline } from './deadline.js';

/** Still down after this long is said again at most this often. */
const REPORT_EVERY_MS = 60_000;

export interface OutageProbeOptions {
  /** Asks the dependency whether it answers (a PING), under `timeoutMs`. */
  ping: () => Promise<unknown>;
  timeoutMs: number;
  /** While down, how often to ping. */
  probeEveryMs: number;
  /** What the deadline error names. */
  what: string;
  onDown(error: unknown): void;
  /** At most every REPORT_EVERY_MS while the pings keep failing. */
  onStillDown(seconds: number, error: unknown): void;
  onBack(seconds: number): void;
}

/**
 * The down/up state of a dependency that is skipped while down (Redis for rate limits and for the
 * change feed): `down()` marks it (said once), then a ping every `probeEveryMs` under the same
 * deadline brings it back. Times are real elapsed time (Date.now), not the application's clock:
 * they measure an outage, not a rule.
 */
export class OutageProbe {
  private downSince: number | null = null;
  private lastReport = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: OutageProbeOptions) {}

  get isDown(): boolean {
    return this.downSince !== null;
  }

  /** Marks the dependency down; calls that failed together are said once. */
  down(error: unknown): void {
    if (this.downSince !== null || this.closed) return;
    this.downSince = Date.now();
    this.lastReport = this.downSince;
    this.options.onDown(error);
    this.schedule();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.probe(), this.options.probeEveryMs);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    try {
      await withDeadline(this.options.ping(), this.options.timeoutMs, this.options.what);
    } catch (error) {
      const now = Date.now();
      if (now - this.lastReport >= REPORT_EVERY_MS) {
        this.lastReport = now;
        this.options.onStillDown(Math.round((now - this.downSince!) / 1000), error);
      }
      this.schedule();
      return;
    }
    if (this.closed || this.downSince === null) return;
    const seconds = Math.round((Date.now() - this.downSince) / 1000);
    this.downSince = null;
    this.options.onBack(seconds);
  }
}
