import { unixSeconds } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import type { MessageIdGenerator } from '../domain/message-id.js';
import type { JobQueue } from '../scheduler/job-queue.js';
import type { ClockState, ClockStateStore } from './clock-state.js';
import type { OffsetClock } from './offset-clock.js';

/** What an advance runs on: the scheduler of this instance. */
export interface DueRunner {
  /** Runs every job due at the clock's reading now; answers how many ran. */
  runDue(): Promise<number>;
}

export interface TimeTravelDeps {
  clock: OffsetClock;
  state: ClockStateStore;
  queue: JobQueue;
  scheduler: DueRunner;
  messageIds: MessageIdGenerator;
  /** Tells the other instances that the clock moved (change feed); they call reload(). */
  announce: () => Promise<void>;
  /** Lets work that became due without a job (webhook retries) look again now. */
  poke: () => void;
}

export interface ClockReading {
  nowMs: number;
  offsetMs: number;
  /** The earliest pending scheduled job's due time, or null. */
  nextDueAtMs: number | null;
}

/** An advance stops stepping after this many due times, so a job that keeps rescheduling itself cannot hold it forever. */
const MAX_STEPS = 10_000;
/** How far past the last reading a reset puts the id floor: ids from the same millisecond could sort either way. */
const ID_FLOOR_MARGIN_MS = 1000;
/** Looks in a row that ran nothing before an advance stops waiting for a job another instance holds (about 2 s). */
const MAX_IDLE_LOOKS = 100;
/** The furthest an advance may go in one call: ten years. */
export const MAX_ADVANCE_SECONDS = 10 * 366 * 86_400;

/**
 * Test clocks: moving the sandbox's clock forward runs, in time order and before the call
 * answers, everything that falls due on the way: the clock steps to each due job's time, the
 * scheduler runs what is due, and so on up to the target. One advance at a time per instance.
 */
export class TimeTravel {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: TimeTravelDeps) {}

  /** Loads the stored offset and id floor (at start, and when another instance moved the clock). */
  async reload(): Promise<void> {
    this.apply(await this.deps.state.load());
  }

  private apply(state: ClockState): void {
    this.deps.clock.setOffset(state.offsetMs);
    this.deps.messageIds.raiseFloor(state.idFloorMs);
  }

  async read(): Promise<ClockReading> {
    return { nowMs: this.deps.clock.nowMs(), offsetMs: this.deps.clock.offset, nextDueAtMs: await this.deps.queue.nextDueAtMs() };
  }

  /** `seconds` forward, or forward `to` a Unix time (seconds); answers the reading and how many jobs ran. */
  async advance(input: { seconds?: number; to?: number }): Promise<ClockReading & { ran: number }> {
    const from = this.deps.clock.nowMs();
    const targetMs = input.to !== undefined ? input.to * 1000 : from + (input.seconds ?? 0) * 1000;
    if (input.to !== undefined && input.to <= unixSeconds(from)) {
      throw ValidationError.field('to', `The to field must be a date after now (${unixSeconds(from)}): the clock only moves forward.`);
    }
    if (targetMs - from > MAX_ADVANCE_SECONDS * 1000) {
      throw ValidationError.field(input.to !== undefined ? 'to' : 'seconds', `The clock moves at most ${MAX_ADVANCE_SECONDS} seconds per call.`);
    }
    return this.serialized(() => this.advanceTo(targetMs));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(work);
    this.queue = run;
    return run;
  }

  private async advanceTo(targetMs: number): Promise<ClockReading & { ran: number }> {
    const { clock, queue, scheduler } = this.deps;
    let ran = await scheduler.runDue();
    let idle = 0;
    for (let step = 0; step < MAX_STEPS && idle < MAX_IDLE_LOOKS; step++) {
      const next = await queue.nextDueAtMs();
      if (next === null || next > targetMs) break;
      // Step to the job's time (never back), run what is due there, look again: handlers may
      // schedule more on the way (a scripted buyer's next step).
      if (next > clock.nowMs()) await this.setReading(next);
      const n = await scheduler.runDue();
      ran += n;
      // Due and still there, yet nothing ran: another instance is committing it (or it just
      // failed). Wait a moment for it rather than spin, and give up waiting after a while.
      idle = n === 0 ? idle + 1 : 0;
      if (idle > 0) await new Promise((r) => setTimeout(r, 20));
    }
    if (targetMs > clock.nowMs()) await this.setReading(targetMs);
    ran += await scheduler.runDue();
    await this.deps.announce();
    this.deps.poke();
    return { ...(await this.read()), ran };
  }

  /** Makes the clock read `ms` now, durably, for every instance. */
  private async setReading(ms: number): Promise<void> {
    const offset = ms - this.deps.clock.baseMs();
    this.apply(await this.deps.state.advance(Math.max(offset, this.deps.clock.offset), this.deps.clock.baseMs()));
  }

  /**
   * Back to the wall clock (offset 0). Times may go back; ids never do: the id floor rises to
   * the reading before the reset, so ids minted after it still sort after every earlier one.
   */
  reset(): Promise<ClockReading> {
    return this.serialized(async () => {
      // Strictly after every id minted so far, here and on instances whose clocks read a little later.
      this.apply(await this.deps.state.reset(this.deps.clock.nowMs() + ID_FLOOR_MARGIN_MS, this.deps.clock.baseMs()));
      await this.deps.announce();
      this.deps.poke();
      return this.read();
    });
  }
}
