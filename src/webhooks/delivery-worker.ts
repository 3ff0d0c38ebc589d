import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { DeliveryOutcome, DeliveryQueue, DueDelivery } from './delivery-queue.js';
import { postWebhook, type SendResult, type SenderOptions } from './http-sender.js';
import { deliveryHeaders } from './signer.js';

export interface WorkerOptions extends SenderOptions {
  /** Seconds to wait before each retry; its length + 1 is the number of attempts. */
  retrySchedule: number[];
  pollMs: number;
  /** A claimed delivery is someone else's to take once this passes (a crashed worker's, say). */
  leaseMs: number;
  maxInFlight: number;
  /** A slow receiver holds at most this many slots, so it never starves the others. */
  maxInFlightPerEndpoint: number;
  /** Finished events older than this are deleted with their deliveries and attempts; 0 keeps them. */
  retentionSeconds: number;
  /** How often to look for such events (the first look is one interval after start). */
  pruneEveryMs: number;
  /** While polls keep failing (a database outage), at most one log line per this many ms; default 30 s. */
  outageLogEveryMs?: number;
}

/** At most one line per 30 s while the outbox cannot be polled, instead of one per poll. */
export const DEFAULT_OUTAGE_LOG_EVERY_MS = 30_000;

/** What the attempt log and the worker's log say of a delivery whose sealed secret will not open. */
export const UNOPENED_SECRET_ERROR = "the endpoint's signing secret cannot be opened with the configured key";

/** Events deleted per transaction while pruning: short transactions, never a long lock. */
const PRUNE_BATCH = 500;

/** About a day over 10 attempts: 10 s, 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 6 h, 12 h. */
export const DEFAULT_RETRY_SCHEDULE = [10, 60, 300, 900, 1800, 3600, 7200, 21600, 43200];

/** ±20 % so that retries from many failed deliveries do not arrive in lockstep. */
function withJitter(seconds: number): number {
  return seconds * 1000 * (0.8 + Math.random() * 0.4);
}

export function outcomeFor(statusCode: number | null, attempt: number, schedule: number[], nowMs: number): DeliveryOutcome {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return { kind: 'succeeded' };
  if (statusCode === 410) return { kind: 'gone' };
  const delay = schedule[attempt - 1];
  if (delay === undefined) return { kind: 'failed' };
  // Whole milliseconds: the column is an integer on every dialect.
  return { kind: 'retry', nextAttemptAtMs: Math.round(nowMs + withJitter(delay)) };
}

/**
 * Polls the outbox, claims (leases) the due deliveries it has room for, and sends each one
 * concurrently with the others. At-least-once: a receiver de-duplicates by event id.
 */
export class WebhookDeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<number> | null = null;
  private stopped = false;
  /** Timers run only between start() and stop(); before start a test drives pollOnce() itself. */
  private started = false;
  private polling = false;
  /** Polls failed in a row (0: the last poll worked), and those since the last line about them. */
  private failedPolls = 0;
  private failedSinceLogged = 0;
  private outageLoggedAtMs = 0;
  /** Endpoints whose unopenable secret has been logged: once each, until their secret opens again. */
  private readonly unopenedLogged = new Set<number>();

  /** Asked for a poll while one ran: run another as soon as it ends. */
  private pollAgain = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perEndpoint = new Map<number, number>();

  /**
   * `clock` dates what is stored and compared across instances (due times, leases, attempts,
   * retention); poll and prune intervals, the send timeout and log throttling are real time,
   * read from `elapsedMs` (monotonic milliseconds; injectable for tests).
   */
  constructor(
    private readonly queue: DeliveryQueue,
    private readonly options: WorkerOptions,
    private readonly log: Pick<FastifyBaseLogger, 'error' | 'warn' | 'info' | 'debug'>,
    private readonly clock: Clock,
    private readonly elapsedMs: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.stopped = false;
    this.started = true;
    this.schedule(0);
    if (this.options.retentionSeconds > 0) {
      this.pruneTimer = setInterval(() => {
        this.pruning ??= this.prune().finally(() => (this.pruning = null));
      }, this.options.pruneEveryMs);
      this.pruneTimer.unref();
    }
  }

  /** Stops polling and waits for the attempts under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await Promise.allSettled([...this.inFlight, this.pruning]);
  }

  /** Deletes the finished events older than the retention, a batch at a time. */
  async prune(): Promise<number> {
    const cutoff = this.clock.now() - this.options.retentionSeconds;
    let deleted = 0;
    try {
      for (;;) {
        const batch = await this.queue.prune(cutoff, PRUNE_BATCH);
        deleted += batch;
        if (batch < PRUNE_BATCH || this.stopped) break;
      }
    } catch (error) {
      this.log.error({ err: error }, 'webhook history pruning failed');
    }
    if (deleted > 0) this.log.info({ events: deleted, olderThan: cutoff }, 'pruned finished webhook events');
    return deleted;
  }

  private schedule(ms: number): void {
    if (this.stopped || !this.started) return;
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      await this.pollOnce();
    } finally {
      this.polling = false;
      const again = this.pollAgain;
      this.pollAgain = false;
      this.schedule(again ? 0 : this.options.pollMs);
    }
  }

  /**
   * One look at the outbox: claims what there is room for and launches it. Never throws; a
   * failure is logged (throttled while they go on). The timer calls it; tests may call it directly.
   */
  async pollOnce(): Promise<void> {
    try {
      const free = this.options.maxInFlight - this.inFlight.size;
      if (free > 0) {
        const now = this.clock.nowMs();
        // The caps are applied while claiming, so that nothing is leased that is not launched:
        // a delivery leased here but left waiting would be held from every other worker.
        const slots = new Map(this.perEndpoint);
        const full = [...slots].filter(([, used]) => used >= this.options.maxInFlightPerEndpoint).map(([endpointId]) => endpointId);
        let taken = 0;
        const claimed = await this.queue.claim(now, now + this.options.leaseMs, free * 4, (delivery) => {
          if (taken >= free) return false;
          const used = slots.get(delivery.endpointId) ?? 0;
          if (used >= this.options.maxInFlightPerEndpoint) return false;
          slots.set(delivery.endpointId, used + 1);
          taken++;
          return true;
        }, full);
        for (const delivery of claimed) this.launch(delivery);
      }
      this.pollWorked();
    } catch (error) {
      this.pollFailed(error);
    }
  }

  /**
   * During an outage every poll fails: the first failure is logged, then at most one line per
   * `outageLogEveryMs` with the count since the last line. Throttling is about log volume, so it
   * runs on real elapsed time, not on the application clock (which a test clock may stop or jump).
   */
  private pollFailed(error: unknown): void {
    const now = this.elapsedMs();
    this.failedPolls++;
    if (this.failedPolls === 1) {
      this.outageLoggedAtMs = now;
      this.failedSinceLogged = 0;
      this.log.error({ err: error }, 'webhook poll failed (while it keeps failing, one line per interval)');
      return;
    }
    this.failedSinceLogged++;
    const every = this.options.outageLogEveryMs ?? DEFAULT_OUTAGE_LOG_EVERY_MS;
    if (now - this.outageLoggedAtMs < every) return;
    this.log.error(
      { err: error, failedPolls: this.failedSinceLogged, failedPollsInARow: this.failedPolls },
      `webhook poll still failing: ${this.failedSinceLogged} failed polls in the last ${Math.round((now - this.outageLoggedAtMs) / 1000)} s`,
    );
    this.outageLoggedAtMs = now;
    this.failedSinceLogged = 0;
  }

  private pollWorked(): void {
    if (this.failedPolls === 0) return;
    this.log.info({ failedPolls: this.failedPolls }, `webhook worker: the database answers again after ${this.failedPolls} failed polls`);
    this.failedPolls = 0;
    this.failedSinceLogged = 0;
  }

  /**
   * A slot has come free: look for more work now rather than at the next poll, so that a backlog
   * drains at the receivers' pace, not at the poll interval's.
   */
  private kick(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  private launch(delivery: DueDelivery): void {
    this.perEndpoint.set(delivery.endpointId, (this.perEndpoint.get(delivery.endpointId) ?? 0) + 1);
    const task = this.attempt(delivery)
      .catch((error) => this.log.error({ err: error, delivery: delivery.id }, 'webhook delivery failed to settle'))
      .finally(() => {
        this.inFlight.delete(task);
        const left = (this.perEndpoint.get(delivery.endpointId) ?? 1) - 1;
        if (left > 0) this.perEndpoint.set(delivery.endpointId, left);
        else this.perEndpoint.delete(delivery.endpointId);
        this.kick();
      });
    this.inFlight.add(task);
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const attemptedAtMs = this.clock.nowMs();
    const result = delivery.secrets === null ? this.unopened(delivery) : await this.send(delivery, delivery.secrets, attemptedAtMs);
    const attempt = delivery.attempts + 1;
    const outcome = outcomeFor(result.statusCode, attempt, this.options.retrySchedule, this.clock.nowMs());
    const applied = await this.queue.settle(delivery, { attempt, attemptedAtMs, ...result }, outcome);
    if (!applied) {
      this.log.warn(
        { delivery: delivery.id, event: delivery.eventId, status: result.statusCode },
        'webhook attempt outlived its lease: logged, outcome left to the worker that holds the delivery now (raise PARLEY_WEBHOOK_LEASE_MS)',
      );
    }
    this.log.debug({ delivery: delivery.id, event: delivery.eventId, status: result.statusCode, outcome: outcome.kind }, 'webhook attempt');
  }

  private send(delivery: DueDelivery, secrets: string[], attemptedAtMs: number): Promise<SendResult> {
    if (this.unopenedLogged.delete(delivery.endpointId)) {
      this.log.info({ endpoint: delivery.endpointId }, 'webhook endpoint: its signing secret opens again');
    }
    const headers = deliveryHeaders({
      eventId: delivery.eventId,
      topic: delivery.topic,
      body: delivery.body,
      timestamp: Math.floor(attemptedAtMs / 1000),
      secrets,
    });
    return postWebhook(delivery.url, headers, delivery.body, this.options);
  }

  /**
   * Nothing can be signed, so nothing is sent: the attempt fails and takes the retry schedule
   * like any failed attempt (a key put right in the meantime lets a retry through). Logged once
   * per endpoint, not once per delivery or poll.
   */
  private unopened(delivery: DueDelivery): SendResult {
    if (!this.unopenedLogged.has(delivery.endpointId)) {
      this.unopenedLogged.add(delivery.endpointId);
      this.log.error(
        { endpoint: delivery.endpointId, delivery: delivery.id },
        `webhook endpoint ${delivery.endpointId}: ${UNOPENED_SECRET_ERROR} (sealed with another key, or copied from another row); its deliveries fail and are retried on the schedule`,
      );
    }
    return { statusCode: null, error: UNOPENED_SECRET_ERROR, durationMs: 0 };
  }
}
