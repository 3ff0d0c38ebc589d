import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { jobStore, KyselyJobQueue } from '../../src/store/job-store.js';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { createTestDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from '../store/postgres-test-support.js';

/**
 * The scheduled-jobs table as several instances share it: one pending job per (kind, key), due
 * jobs claimed by exactly one claimer, a lease that holds until it passes, and a run's take()
 * fenced by the claim (a rescheduled or re-claimed job is not taken by a stale run).
 */
const pgSkip = await skipWithoutPostgres('scheduled job claims on PostgreSQL');

describe.each([
  { dialect: 'sqlite' as const, skip: false },
  { dialect: 'postgres' as const, skip: pgSkip },
])('scheduled jobs on $dialect', ({ dialect, skip }) => {
  let config: DatabaseConfig;
  let drop: () => Promise<void> = async () => {};
  let setup: OpenDatabase;
  const handles: OpenDatabase[] = [];
  let queues: KyselyJobQueue[] = [];

  beforeAll(async () => {
    if (skip) return;
    ({ config, drop } = await createTestDatabase(dialect));
    setup = openDatabase(config);
    await migrateToLatest(setup.db, dialect);
    for (let i = 0; i < 3; i++) {
      const handle = openDatabase(config);
      handles.push(handle);
      queues.push(new KyselyJobQueue(handle.db, dialect));
    }
  });
  afterAll(async () => {
    for (const h of handles) await h.close();
    await setup?.close();
    await drop();
    queues = [];
  });
  beforeEach(async () => {
    if (!skip) await setup.db.deleteFrom('scheduled_jobs').execute();
  });

  it.skipIf(skip)('keeps one job per kind and key: scheduling again moves it, cancel removes it', async () => {
    const jobs = jobStore(setup.db);
    await jobs.schedule({ kind: 'k', key: 'a', dueAtMs: 5_000, payload: { n: 1 } });
    await jobs.schedule({ kind: 'k', key: 'a', dueAtMs: 9_000, payload: { n: 2 } });
    await jobs.schedule({ kind: 'other', key: 'a', dueAtMs: 1_000 });
    expect(await jobs.find('k', 'a')).toEqual({ kind: 'k', key: 'a', dueAtMs: 9_000, payload: { n: 2 } });
    expect(await jobs.find('other', 'a')).toEqual({ kind: 'other', key: 'a', dueAtMs: 1_000, payload: {} });
    expect(await queues[0]!.nextDueAtMs()).toBe(1_000);
    await jobs.cancel('k', 'a');
    expect(await jobs.find('k', 'a')).toBeUndefined();
  });

  it.skipIf(skip)('claims due jobs earliest first, each to one claimer, until the lease passes', async () => {
    const jobs = jobStore(setup.db);
    for (let i = 0; i < 30; i++) await jobs.schedule({ kind: 'k', key: `j${String(i).padStart(2, '0')}`, dueAtMs: 1_000 + i });
    await jobs.schedule({ kind: 'k', key: 'later', dueAtMs: 50_000 });
    const claims = await Promise.all(queues.map((q) => q.claim(10_000, 20_000, 30)));
    const keys = claims.flat().map((c) => c.key);
    expect(keys.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `j${String(i).padStart(2, '0')}`));
    // Leased: nobody gets them again before the lease passes, everybody after.
    expect(await queues[0]!.claim(19_999, 30_000, 100)).toEqual([]);
    const again = await queues[1]!.claim(20_000, 40_000, 5);
    expect(again.map((c) => c.key)).toEqual(['j00', 'j01', 'j02', 'j03', 'j04']);
  });

  it.skipIf(skip)('take() is fenced by the claim: a rescheduled or re-claimed job stays', async () => {
    const jobs = jobStore(setup.db);
    await jobs.schedule({ kind: 'k', key: 'x', dueAtMs: 1_000 });
    const [first] = await queues[0]!.claim(2_000, 3_000, 10);
    // The lease passed and another instance took it: the first run may not take it any more.
    const [second] = await queues[1]!.claim(3_000, 9_000, 10);
    expect(await jobs.take(first!)).toBe(false);
    // Rescheduled meanwhile: the second run may not take the new version either.
    await jobs.schedule({ kind: 'k', key: 'x', dueAtMs: 100_000 });
    expect(await jobs.take(second!)).toBe(false);
    expect((await jobs.find('k', 'x'))?.dueAtMs).toBe(100_000);
    const [third] = await queues[2]!.claim(100_000, 110_000, 10);
    expect(await jobs.take(third!)).toBe(true);
    expect(await jobs.find('k', 'x')).toBeUndefined();
  });

  it.skipIf(skip)('a failed run holds the job until its retry time and counts the attempt', async () => {
    const jobs = jobStore(setup.db);
    await jobs.schedule({ kind: 'k', key: 'f', dueAtMs: 1_000 });
    const [claim] = await queues[0]!.claim(1_000, 60_000, 10);
    await queues[0]!.fail(claim!, 5_000, 'boom');
    expect(await queues[1]!.claim(4_999, 60_000, 10)).toEqual([]);
    const [retry] = await queues[1]!.claim(5_000, 60_000, 10);
    expect(retry).toMatchObject({ key: 'f', attempts: 1 });
  });
});
