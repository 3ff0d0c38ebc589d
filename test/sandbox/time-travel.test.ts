import { afterEach, describe, expect, it } from 'vitest';
import type { DueJob, JobHandler } from '../../src/domain/jobs.js';
import type { Store } from '../../src/domain/ports.js';
import { OffsetClock } from '../../src/sandbox/offset-clock.js';
import { TimeTravel } from '../../src/sandbox/time-travel.js';
import { KyselyClockStateStore } from '../../src/store/sandbox-clock-store.js';
import { openHarness, type Harness } from '../scheduler/harness.js';
import { tempDbFile } from '../support/parley.js';

/** The test clock's advance: every job due on the way runs in time order, the clock at its due time. */
const START = 1_800_000_000_000;
let h: Harness;
let ran: { key: string; dueAtMs: number; atMs: number }[];
let announced: number;
let poked: number;

const handlers: Record<string, JobHandler> = {
  record: async (tx: Store, job: DueJob) => {
    ran.push({ key: job.key, dueAtMs: job.dueAtMs, atMs: tx.clock.nowMs() });
    // A job may schedule the next one: `chain:N` schedules `chain:N-1` 10 s later.
    const chain = /^chain:(\d+)$/.exec(job.key);
    if (chain && Number(chain[1]) > 0) await tx.jobs.schedule({ kind: 'record', key: `chain:${Number(chain[1]) - 1}`, dueAtMs: tx.clock.nowMs() + 10_000 });
  },
  broken: async () => {
    throw new Error('always fails');
  },
};

async function open(file = tempDbFile()): Promise<TimeTravel> {
  h = await openHarness(START, (kind) => handlers[kind], { sandbox: true, file });
  ran = [];
  announced = 0;
  poked = 0;
  const travel = new TimeTravel({
    clock: h.appClock as OffsetClock, state: new KyselyClockStateStore(h.db.db), queue: h.queue, scheduler: h.scheduler,
    messageIds: h.store.messageIds, announce: async () => void announced++, poke: () => void poked++,
  });
  await travel.reload();
  return travel;
}
afterEach(() => h?.close());

describe('advancing the test clock', () => {
  it('runs due jobs in time order with the clock at each due time, including jobs scheduled on the way', async () => {
    const travel = await open();
    await h.store.jobs.schedule({ kind: 'record', key: 'b', dueAtMs: START + 50_000 });
    await h.store.jobs.schedule({ kind: 'record', key: 'a', dueAtMs: START + 20_000 });
    await h.store.jobs.schedule({ kind: 'record', key: 'chain:3', dueAtMs: START + 30_000 });
    await h.store.jobs.schedule({ kind: 'record', key: 'later', dueAtMs: START + 3_600_000 });
    const result = await travel.advance({ seconds: 60 });
    expect(ran.map((r) => [r.key, r.atMs - START])).toEqual([
      ['a', 20_000], ['chain:3', 30_000], ['chain:2', 40_000], ['b', 50_000], ['chain:1', 50_000], ['chain:0', 60_000],
    ]);
    expect(ran.every((r) => r.atMs === r.dueAtMs)).toBe(true);
    // What is due at exactly the target runs too; 'later' waits for its hour.
    expect(result).toMatchObject({ nowMs: START + 60_000, offsetMs: 60_000, ran: 6, nextDueAtMs: START + 3_600_000 });
    expect(announced).toBe(1);
    expect(poked).toBe(1);
  });

  it('moves to a Unix time, refuses going back, and keeps the offset when the base clock moves', async () => {
    const travel = await open();
    await travel.advance({ to: START / 1000 + 100 });
    expect(h.appClock.nowMs()).toBe(START + 100_000);
    await expect(travel.advance({ to: START / 1000 + 100 })).rejects.toThrow('The given data was invalid.');
    h.clock.advance(5);
    expect(h.appClock.nowMs()).toBe(START + 100_005);
  });

  it('retries a failing job on the way at its retry times, and still answers', async () => {
    const travel = await open();
    await h.store.jobs.schedule({ kind: 'broken', key: 'x', dueAtMs: START + 1_000 });
    const result = await travel.advance({ seconds: 20 });
    // Tried at 1 s, then 1 s, 2 s, 4 s, 8 s later (16 s after the start the next try is at 32 s).
    expect(result.ran).toBe(0);
    const row = h.db.sqlite!.writer.connection.prepare('select attempts, lease_until_ms from scheduled_jobs').get() as { attempts: number; lease_until_ms: number };
    expect(row).toEqual({ attempts: 5, lease_until_ms: START + 32_000 });
  });

  it('is durable: another instance on the database reads the same offset', async () => {
    const file = tempDbFile();
    const travel = await open(file);
    await travel.advance({ seconds: 3600 });
    await h.close();
    const other = await open(file);
    expect((await other.read()).offsetMs).toBe(3_600_000);
    expect(h.appClock.nowMs()).toBe(START + 3_600_000);
  });

  it('reset goes back to the base clock, but ids keep sorting after those minted ahead', async () => {
    const file = tempDbFile();
    const travel = await open(file);
    await travel.advance({ seconds: 86_400 });
    const ahead = h.store.messageIds.next(h.appClock.nowMs());
    const reading = await travel.reset();
    expect(reading).toMatchObject({ nowMs: START, offsetMs: 0 });
    const after = h.store.messageIds.next(h.appClock.nowMs());
    expect(after > ahead).toBe(true);
    // A fresh process on the same database (its own id generator) honours the floor too.
    await h.close();
    await open(file);
    expect(h.store.messageIds.next(h.appClock.nowMs()) > ahead).toBe(true);
  });

  it('parks a job that keeps failing, so a long advance does not retry it for ever', async () => {
    const travel = await open();
    await h.store.jobs.schedule({ kind: 'broken', key: 'x', dueAtMs: START + 1_000 });
    await travel.advance({ seconds: 30 * 86_400 });
    const row = h.db.sqlite!.writer.connection.prepare('select attempts, lease_until_ms from scheduled_jobs').get() as { attempts: number; lease_until_ms: number };
    expect(row.attempts).toBe(20);
    expect(row.lease_until_ms).toBeGreaterThan(START + 300 * 86_400_000);
  });
});
