import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { DeliveryOutcome, DeliveryQueue, DueDelivery, Settlement } from './delivery-queue.js';
import { ReceiverPools, type SendResult, type SenderOptions } from './http-sender.js';
import { deliveryHeaders } from './signer.js';

export interface WorkerOptions extends SenderOptions {
  /** Seconds to wait before each retry; its length + 1 is the number of attempts. */
  retrySchedule: number[];
  pollMs: number;
  /** A claimed delivery is someone else's to take once this passes (a crashed worker's, say). */
  leaseMs: number;
  /** Attempts under way at once in this process, all endpoints together. */
  maxInFlight: number;
  /**
   * Attempts under way at once per endpoint (PARLEY_WEBHOOK_CONCURRENCY), each on a kept-alive
   * connection of the endpoint's own: a slow receiver holds at most this many, never the others'.
   */
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

/** Per-endpoint concurrency when PARLEY_WEBHOOK_CONCURRENCY is not set. */
export const DEFAULT_WEBHOOK_CONCURRENCY = 16;

/**
 * The process-wide cap is this many endpoints' worth of attempts: as before (32 in all, 2 per
 * endpoint), this many hanging receivers are needed before a healthy one waits for a slot.
 */
export const ENDPOINTS_AT_FULL_CONCURRENCY = 16;

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

/** What the worker holds for one endpoint: attempts under way, and claimed deliveries waiting for a slot. */
interface EndpointSlots {
  inFlight: number;
  waiting: DueDelivery[];
}

/**
 * Polls the outbox, claims (leases) due deliveries in batches, and sends them concurrently,
 * at most `maxInFlightPerEndpoint` per endpoint on that endpoint's keep-alive connections.
 *
 * To keep a fast receiver busy without a database round trip between two of its attempts, a claim
 * takes up to twice the endpoint's concurrency: as many again as it runs wait in memory and go out
 * the moment a slot frees. A waiting delivery is still leased; one whose lease would run out
 * before its attempt could end is dropped unsent (it is due again once the lease has passed), and
 * those still waiting at stop() are given back. Outcomes are stored in batches (one transaction
 * for all attempts that ended together). A commit that wrote deliveries wakes the worker
 * (`wake()`); the poll interval is the fallback, and how other instances hear of them.
 * At-least-once: a receiver de-duplicates by event id.
 */
export class WebhookDeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<number> | null = null;
  /** Set from stop() to its end: nothing new is launched or claimed. */
  private stopped = false;
  /** Timers run only between start() and stop(); before start a test drives pollOnce() itself. */
  private started = false;
  private polling: Promise<void> | null = null;
  /** Polls failed in a row (0: the last poll worked), and those since the last line about them. */
  private failedPolls = 0;
  private failedSinceLogged = 0;
  private outageLoggedAtMs = 0;
  /** Endpoints whose unopenable secret has been logged: once each, until their secret opens again. */
  private readonly unopenedLogged = new Set<number>();

  /** Asked for a poll while one ran: run another as soon as it ends. */
  private pollAgain = false;
  private readonly attempts = new Set<Promise<void>>();
  private readonly endpoints = new Map<number, EndpointSlots>();
  private inFlight = 0;
  private waiting = 0;
  /** Outcomes not yet handed to the queue, and the batches being stored. */
  private unsettled: Settlement[] = [];
  private settleScheduled = false;
  private readonly settling = new Set<Promise<void>>();
  private pools: ReceiverPools | null = null;

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

  /**
   * Stops polling, waits for the attempts under way and stores their outcomes, and gives back
   * the claimed deliveries that were still waiting for a slot.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.polling;
    await Promise.allSettled([...this.attempts, this.pruning]);
    const unsent = [...this.endpoints.values()].flatMap((slots) => slots.waiting.splice(0));
    this.waiting = 0;
    this.endpoints.clear();
    await this.queue.release(unsent).catch((error) => this.log.error({ err: error, deliveries: unsent.length }, 'webhook worker: claimed deliveries could not be given back (due again once their lease passes)'));
    await this.flushSettlements();
    await this.pools?.close();
    this.pools = null;
    // A test may drive pollOnce() again after stop(); timers stay off until start().
    this.stopped = false;
  }

  /** Deliveries were committed (in this process): look for them now rather than at the next poll. */
  wake(): void {
    this.kick();
  }

  /** Poll now rather than at the next interval (the sandbox clock has moved: retries may be due). */
  pollNow(): void {
    this.kick();
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = this.pollOnce();
    try {
      await this.polling;
    } finally {
      this.polling = null;
      const again = this.pollAgain;
      this.pollAgain = false;
      this.schedule(again ? 0 : this.options.pollMs);
    }
  }

  /**
   * How long a claimed delivery may wait for a slot: its attempt must still end within the lease
   * (or, with a lease not above the timeout, a quarter of the lease).
   */
  private get maxWaitMs(): number {
    return Math.max(this.options.leaseMs - this.options.timeoutMs, this.options.leaseMs / 4);
  }

  /** Buffered at most per endpoint: what runs, and as many again waiting. */
  private get perEndpointHold(): number {
    return 2 * this.options.maxInFlightPerEndpoint;
  }

  /**
   * One look at the outbox: claims what there is room for and launches what has a free slot. Never
   * throws; a failure is logged (throttled while they go on). The timer calls it; tests may too.
   */
  async pollOnce(): Promise<void> {
    try {
      const room = 2 * this.options.maxInFlight - this.inFlight - this.waiting;
      if (room > 0 && !this.stopped) {
        const now = this.clock.nowMs();
        const hold = this.perEndpointHold;
        // The caps are applied while claiming: nothing is leased that the worker has no room for.
        const held = new Map([...this.endpoints].map(([id, slots]) => [id, slots.inFlight + slots.waiting.length]));
        const full = [...held].filter(([, count]) => count >= hold).map(([endpointId]) => endpointId);
        let taken = 0;
        const claimed = await this.queue.claim(now, now + this.options.leaseMs, Math.min(2 * room, 2000), (delivery) => {
          if (taken >= room) return false;
          const count = held.get(delivery.endpointId) ?? 0;
          if (count >= hold) return false;
          held.set(delivery.endpointId, count + 1);
          taken++;
          return true;
        }, full);
        for (const delivery of claimed) this.slotsOf(delivery.endpointId).waiting.push(delivery);
        this.waiting += claimed.length;
        // A full claim: there may be more due right now.
        if (taken >= room && claimed.length > 0) this.pollAgain = true;
        for (const endpointId of new Set(claimed.map((d) => d.endpointId))) this.pump(endpointId);
      }
      this.pollWorked();
    } catch (error) {
      this.pollFailed(error);
    }
  }

  private slotsOf(endpointId: number): EndpointSlots {
    let slots = this.endpoints.get(endpointId);
    if (!slots) {
      slots = { inFlight: 0, waiting: [] };
      this.endpoints.set(endpointId, slots);
    }
    return slots;
  }

  /** Launches the endpoint's waiting deliveries while it and the process have free slots. */
  private pump(endpointId: number): void {
    const slots = this.endpoints.get(endpointId);
    if (!slots) return;
    while (!this.stopped && slots.waiting.length > 0 && slots.inFlight < this.options.maxInFlightPerEndpoint && this.inFlight < this.options.maxInFlight) {
      const delivery = slots.waiting.shift()!;
      this.waiting--;
      // Its attempt could outlive the lease, and another worker may send it too: leave it unsent.
      if (this.clock.nowMs() - (delivery.leaseUntilMs - this.options.leaseMs) > this.maxWaitMs) {
        this.log.debug({ delivery: delivery.id }, 'webhook delivery waited too long for a slot: left for the next claim');
        continue;
      }
      this.launch(delivery, slots);
    }
    if (slots.inFlight === 0 && slots.waiting.length === 0) this.endpoints.delete(endpointId);
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
   * Look for more work now rather than at the next poll (a slot has come free, deliveries were
   * committed), so that a backlog drains at the receivers' pace, not at the poll interval's.
   */
  private kick(): void {
    if (this.stopped || !this.started) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.schedule(0);
  }

  private launch(delivery: DueDelivery, slots: EndpointSlots): void {
    slots.inFlight++;
    this.inFlight++;
    const task = this.attempt(delivery)
      .catch((error) => this.log.error({ err: error, delivery: delivery.id }, 'webhook attempt failed unexpectedly'))
      .finally(() => {
        this.attempts.delete(task);
        slots.inFlight--;
        this.inFlight--;
        this.pump(delivery.endpointId);
        // The process-wide cap may have held other endpoints' deliveries back.
        if (this.waiting > 0 && this.inFlight < this.options.maxInFlight) for (const endpointId of this.endpoints.keys()) this.pump(endpointId);
        this.kick();
      });
    this.attempts.add(task);
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const attemptedAtMs = this.clock.nowMs();
    const result = delivery.secrets === null ? this.unopened(delivery) : await this.send(delivery, delivery.secrets, attemptedAtMs);
    const attempt = delivery.attempts + 1;
    const outcome = outcomeFor(result.statusCode, attempt, this.options.retrySchedule, this.clock.nowMs());
    this.log.debug({ delivery: delivery.id, event: delivery.eventId, status: result.statusCode, outcome: outcome.kind }, 'webhook attempt');
    // The slot is free once the receiver has answered; the outcome joins the next batch to store.
    this.unsettled.push({ delivery, attempt: { attempt, attemptedAtMs, ...result }, outcome });
    if (this.settleScheduled) return;
    this.settleScheduled = true;
    // After the poll phase: every attempt that ended in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.settleScheduled = false;
      this.storeOutcomes(this.unsettled.splice(0));
    });
  }

  private storeOutcomes(batch: Settlement[]): void {
    if (batch.length === 0) return;
    const stored = this.queue.settleAll(batch).then(
      (applied) => applied.forEach((ok, i) => {
        if (ok) return;
        const { delivery, attempt } = batch[i]!;
        this.log.warn(
          { delivery: delivery.id, event: delivery.eventId, status: attempt.statusCode },
          'webhook attempt outlived its lease: logged, outcome left to the worker that holds the delivery now (raise PARLEY_WEBHOOK_LEASE_MS)',
        );
      }),
      // Nothing of the batch is stored: its deliveries are attempted again once their lease passes.
      (error: unknown) => this.log.error({ err: error, deliveries: batch.length }, 'webhook delivery failed to settle'),
    ).finally(() => this.settling.delete(stored));
    this.settling.add(stored);
  }

  /** Stores the outcomes not yet stored and waits for every batch under way. */
  private async flushSettlements(): Promise<void> {
    this.storeOutcomes(this.unsettled.splice(0));
    while (this.settling.size > 0) await Promise.allSettled([...this.settling]);
  }

  private send(delivery: DueDelivery, secrets: string[], attemptedAtMs: number): Promise<SendResult> {
    if (this.unopenedLogged.delete(delivery.endpointId)) {
      this.log.info({ endpoint: delivery.endpointId }, 'webhook endpoint: its signing secret opens again');
    }
    const headers = deliveryHeaders({
      eventId: delivery.eventId,
      topic: delivery.topic,
      body: delivery.body,
      // Transport freshness, which receivers check against their own wall clock (replay windows of
      // a few minutes): the real time, not the application clock a sandbox test may have advanced.
      timestamp: Math.floor(Date.now() / 1000),
      secrets,
    });
    this.pools ??= new ReceiverPools({
      env: this.options.env, connectionsPerEndpoint: this.options.maxInFlightPerEndpoint, connectTimeoutMs: this.options.timeoutMs,
    });
    return this.pools.post(String(delivery.endpointId), delivery.url, headers, delivery.body, this.options);
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
