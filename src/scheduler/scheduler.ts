import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { JobClaim, JobHandler } from '../domain/jobs.js';
import type { Store } from '../domain/ports.js';
import type { JobQueue } from './job-queue.js';

export interface SchedulerOptions {
  /** Real milliseconds between looks at the table. */
  pollMs: number;
  /** Application-clock milliseconds a claim holds its jobs; a crashed holder's are due again after it. */
  leaseMs: number;
  /** Jobs claimed per look. */
  batch: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = { pollMs: 500, leaseMs: 60_000, batch: 50 };

/** Failed runs after which a job is parked: tried again only once a year (it stays in the table, logged). */
export const PARK_AFTER_ATTEMPTS = 20;

/**
 * A failed run is tried again after 1 s, 2 s, 4 s ... at most an hour (application clock); after
 * PARK_AFTER_ATTEMPTS failures, after a year, so that a job that can never succeed does not fill
 * a long advance of the test clock with retries.
 */
export function retryDelayMs(attempts: number): number {
  if (attempts + 1 >= PARK_AFTER_ATTEMPTS) return 366 * 86_400_000;
  return Math.min(3_600_000, 1000 * 2 ** Math.min(attempts, 12));
}

/**
 * Runs due jobs: claims them (leased, so each runs on one instance), and runs each one's handler
 * in a transaction that also takes the job out of the table, so a job's effects and its removal
 * commit together: a crash before the commit leaves the job to run again, never half-run, and
 * one after it leaves nothing to run. Due times and leases are read on the application clock;
 * the poll interval and error throttling are real time.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** The run under way (a poll or a sandbox advance's): runs never overlap on one instance. */
  private current: Promise<number> = Promise.resolve(0);
  private failingSince = 0;

  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly handlerFor: (kind: string) => JobHandler | undefined,
    private readonly clock: Clock,
    private readonly log: Pick<FastifyBaseLogger, 'error' | 'warn' | 'info' | 'debug'>,
    private readonly options: SchedulerOptions = DEFAULT_SCHEDULER_OPTIONS,
  ) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runDue().catch(() => undefined).finally(() => this.schedule(this.options.pollMs));
    }, ms);
    this.timer.unref();
  }

  /**
   * Runs every job due now, batch after batch, until none is left to claim (handlers may
   * schedule more that are due at once). Serialized with the other runs of this instance.
   * Answers how many jobs ran. A failing look at the table is logged (throttled), not thrown.
   */
  runDue(): Promise<number> {
    const run = this.current.catch(() => 0).then(() => this.drain());
    this.current = run;
    return run;
  }

  private async drain(): Promise<number> {
    let ran = 0;
    try {
      for (;;) {
        const nowMs = this.clock.nowMs();
        const claims = await this.queue.claim(nowMs, nowMs + this.options.leaseMs, this.options.batch);
        for (const claim of claims) if (await this.runOne(claim)) ran++;
        if (claims.length < this.options.batch) break;
      }
      this.failingSince = 0;
    } catch (error) {
      const now = performance.now();
      if (this.failingSince === 0 || now - this.failingSince > 30_000) {
        this.failingSince = now;
        this.log.error({ err: error }, 'scheduler: looking for due jobs failed (while it keeps failing, one line per 30 s)');
      }
    }
    return ran;
  }

  /** One claimed job; true when its handler ran and committed. */
  private async runOne(claim: JobClaim): Promise<boolean> {
    const handler = this.handlerFor(claim.kind);
    if (!handler) {
      // An instance that does not know the kind (an older version) leaves it to one that does.
      await this.fail(claim, new Error(`no handler for job kind ${claim.kind}`));
      return false;
    }
    try {
      return await this.store.transaction(async (tx) => {
        if (!(await tx.jobs.take(claim))) return false;
        await handler(tx, { kind: claim.kind, key: claim.key, dueAtMs: claim.dueAtMs, payload: claim.payload });
        return true;
      });
    } catch (error) {
      await this.fail(claim, error);
      return false;
    }
  }

  private async fail(claim: JobClaim, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const attempts = claim.attempts + 1;
    if (attempts >= PARK_AFTER_ATTEMPTS) this.log.error({ err: error, job: { kind: claim.kind, key: claim.key }, attempts }, 'scheduled job keeps failing: parked for a year');
    else this.log.warn({ err: error, job: { kind: claim.kind, key: claim.key }, attempts }, 'scheduled job failed; it will be tried again');
    await this.queue.fail(claim, this.clock.nowMs() + retryDelayMs(claim.attempts), message).catch((e) =>
      this.log.error({ err: e }, 'scheduler: recording a failed job failed (its lease will pass)'));
  }
}
