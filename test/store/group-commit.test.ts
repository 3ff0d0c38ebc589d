import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { GroupCommitter, SharedUnitFailed } from '../../src/store/group-commit.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { createKyselyStore } from '../../src/store/kysely-store.js';
import { systemClock } from '../../src/domain/clock.js';
import { MessageIdGenerator } from '../../src/domain/message-id.js';
import { CredentialCipher } from '../../src/store/credential-cipher.js';
import { hotQueries } from '../../src/store/hot-queries.js';
import { sqliteRunners } from '../../src/store/query-runner.js';
import { formatWebhookEvent } from '../../src/contract/webhook-events.js';
import type { SharedWork } from '../../src/domain/ports.js';
import { DuplicateValueError } from '../../src/domain/errors.js';
import { tempDbFile } from '../support/parley.js';

let file: string;
let opened: OpenDatabase;
let committer: GroupCommitter;
let observer: BetterSqlite3.Database;

beforeEach(async () => {
  file = tempDbFile();
  opened = openDatabase({ dialect: 'sqlite', file });
  await migrateToLatest(opened.db, opened.dialect);
  committer = new GroupCommitter(opened.db, opened.sqlite!.writer);
  // A second connection sees only what is committed (WAL readers never see uncommitted pages).
  observer = new BetterSqlite3(file, { readonly: true });
});

afterEach(async () => {
  observer.close();
  await opened.close();
});

const committedSlugs = () => (observer.prepare('select slug from games order by slug').all() as { slug: string }[]).map((r) => r.slug);
const dataVersion = () => observer.pragma('data_version', { simple: true }) as number;

const insertGame = (slug: string) =>
  committer.run(async (trx) => {
    await trx.insertInto('games').values({ name: slug, slug }).execute();
    return slug;
  });

/** A deferred foreign-key violation passes every statement and fails the COMMIT itself. */
const unitFailingAtCommit = () =>
  committer.run(async (trx) => {
    await sql`pragma defer_foreign_keys = on`.execute(trx);
    await trx
      .insertInto('messages')
      .values({ id: 'X', order_kind: 'account', order_id: 1, type: 'user_message', text: 'x', attachment: null, sender_id: 999_999, sent_at: 0 })
      .execute();
  });

describe('GroupCommitter', () => {
  it('resolves each unit only once its write is committed, and shares one commit among concurrent units', async () => {
    const before = dataVersion();
    const slugs = Array.from({ length: 20 }, (_, i) => `game-${String(i).padStart(2, '0')}`);
    const seenAtResolve = await Promise.all(
      slugs.map((slug) => insertGame(slug).then((s) => committedSlugs().includes(s))),
    );
    expect(seenAtResolve.every(Boolean)).toBe(true);
    expect(committedSlugs()).toEqual(slugs);
    // Twenty units queued in one turn of the event loop: one transaction, one commit.
    expect(dataVersion() - before).toBe(1);
    expect(committer.commits).toBe(1); // data_version only says "changed": it counts no commits
  });

  it('rolls back only the unit that throws; the rest of its batch commits', async () => {
    const results = await Promise.allSettled([
      insertGame('first'),
      committer.run(async (trx) => {
        await trx.insertInto('games').values({ name: 'doomed', slug: 'doomed' }).execute();
        throw new Error('domain rule failed');
      }),
      insertGame('last'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('domain rule failed');
    expect(committedSlugs()).toEqual(['first', 'last']);
  });

  it('fails exactly the units of a batch whose COMMIT fails, stores none of them, and recovers', async () => {
    const results = await Promise.allSettled([
      insertGame('a'),
      unitFailingAtCommit(),
      insertGame('b'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(committedSlugs()).toEqual([]);

    // The next batch starts clean.
    await expect(insertGame('c')).resolves.toBe('c');
    expect(committedSlugs()).toEqual(['c']);
  });
});

/** Inserts every slug given with the same key in one shared unit; a slug starting with "no-" is refused. */
const insertShared = (slug: string, calls: string[][], key: unknown = 'games') =>
  committer.runShared(key, slug, async (trx, slugs: string[]) => {
    calls.push(slugs);
    const outcomes = [];
    for (const s of slugs) {
      if (s.startsWith('no-')) { outcomes.push({ ok: false as const, error: new Error(`refused ${s}`) }); continue; }
      await trx.insertInto('games').values({ name: s, slug: s }).execute();
      outcomes.push({ ok: true as const, value: s.toUpperCase() });
    }
    return { outcomes };
  });

describe('GroupCommitter.runShared', () => {
  it('runs the items of one key together, once, and hands each its own outcome after the one commit', async () => {
    const calls: string[][] = [];
    const before = dataVersion();
    const results = await Promise.allSettled(
      ['a', 'no-b', 'c'].map((slug) => insertShared(slug, calls).then((v) => ({ v, seen: committedSlugs() }))),
    );
    expect(calls).toEqual([['a', 'no-b', 'c']]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseFulfilledResult<{ v: string; seen: string[] }>).value).toEqual({ v: 'A', seen: ['a', 'c'] });
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused no-b');
    expect(dataVersion() - before).toBe(1);
    expect(committer.commits).toBe(1);
  });

  it('keeps different keys in different units, and items given after a unit began in a later one', async () => {
    const calls: string[][] = [];
    const first = Promise.all([insertShared('x1', calls, 'x'), insertShared('y1', calls, 'y')]);
    await first;
    await insertShared('x2', calls, 'x');
    expect(calls).toEqual([['x1'], ['y1'], ['x2']]);
    expect(committedSlugs()).toEqual(['x1', 'x2', 'y1']);
  });

  it('rolls back a unit whose work throws, rejects each of its items with SharedUnitFailed, and commits the rest of the batch', async () => {
    const results = await Promise.allSettled([
      insertGame('other'),
      ...['p', 'q'].map((slug) => committer.runShared('broken', slug, async (trx, slugs: string[]) => {
        for (const s of slugs) await trx.insertInto('games').values({ name: s, slug: s }).execute();
        throw new Error('disk said no');
      })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    for (const r of results.slice(1)) {
      const reason = (r as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(SharedUnitFailed);
      expect(reason.cause.message).toBe('disk said no');
    }
    expect(committedSlugs()).toEqual(['other']);
  });

  it('fails every item of a shared unit whose COMMIT fails, with the commit error, and stores none', async () => {
    const calls: string[][] = [];
    const results = await Promise.allSettled([
      insertShared('s1', calls),
      insertShared('s2', calls),
      unitFailingAtCommit(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(committedSlugs()).toEqual([]);
  });
});

describe('Store.shareTransaction on the group commit', () => {
  const storeOnCommitter = () => createKyselyStore(opened.db, {
    clock: systemClock,
    messageIds: new MessageIdGenerator(),
    cipher: new CredentialCipher(Buffer.alloc(32, 7)),
    formatEvent: formatWebhookEvent,
    committer,
    fast: { runners: sqliteRunners(opened.db, opened.sqlite!.writer, opened.sqlite!.reader), queries: hotQueries(opened.db, 'sqlite') },
  });
  const runs: string[][] = [];
  const createGames: SharedWork<string, string> = {
    async run(tx, slugs) {
      runs.push(slugs);
      const outcomes = [];
      // A duplicate slug is a write error (UNIQUE, raised as DuplicateValueError), not a refusal: it fails the whole shared run.
      for (const slug of slugs) outcomes.push({ ok: true as const, value: (await tx.games.create({ name: slug, slug })).slug });
      return outcomes;
    },
  };

  it('runs each item again alone when the shared run fails as a whole, so the failure reaches only its own item', async () => {
    runs.length = 0;
    const store = storeOnCommitter();
    await store.games.create({ name: 'taken', slug: 'taken' });
    const results = await Promise.allSettled(['one', 'taken', 'two'].map((slug) => store.shareTransaction(createGames, slug)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (results[1] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(DuplicateValueError);
    expect((reason as DuplicateValueError).field).toBe('slug');
    expect(runs[0]).toEqual(['one', 'taken', 'two']);
    expect(runs.slice(1).sort()).toEqual([['one'], ['taken'], ['two']]);
    expect(committedSlugs()).toEqual(['one', 'taken', 'two']);
  });

  it('shares one run and one commit when nothing fails', async () => {
    runs.length = 0;
    const before = dataVersion();
    const values = await Promise.all(['m', 'n'].map((slug) => storeOnCommitter().shareTransaction(createGames, slug)));
    expect(values).toEqual(['m', 'n']);
    expect(runs).toEqual([['m', 'n']]);
    expect(dataVersion() - before).toBe(1);
    expect(committer.commits).toBe(1);
  });
});

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GroupCommitter batches', () => {
  it('commits what arrived in one turn of the event loop: calls one turn apart get a commit each', async () => {
    const first = insertGame('one');
    await nextTurn();
    const second = insertGame('two');
    await Promise.all([first, second]);
    expect(committer.commits).toBe(2);
    expect(committedSlugs()).toEqual(['one', 'two']);
  });
});

describe('GroupCommitter checkpoints', () => {
  it('copies the WAL into the database file itself every 64 commits, between batches', async () => {
    const fileSize = () => fs.statSync(file).size;
    // A checkpoint copies what is in the WAL into the main file, which grows; until then the new
    // pages live in the WAL only (SQLite's own checkpoint waits for 10,000 pages here).
    for (let i = 0; i < 63; i++) await insertGame(`cp-${String(i).padStart(2, '0')}-${'x'.repeat(2000)}`);
    await nextTurn();
    const before = fileSize();
    expect(committer.commits).toBe(63);
    await insertGame('cp-64');
    await nextTurn();
    await nextTurn();
    expect(fileSize()).toBeGreaterThan(before);
    expect(committedSlugs()).toHaveLength(64);
  });

  it('checkpoints under continuous load too: a batch only scheduled does not put it off', async () => {
    const fileSize = () => fs.statSync(file).size;
    const initial = fileSize();
    let whileLoaded = 0;
    // Four callers in a closed loop, as a benchmark's connections: the next batch is always
    // scheduled by the time a checkpoint is due.
    const caller = async (c: number) => {
      for (let i = 0; i < 100; i++) {
        await insertGame(`load-${c}-${String(i).padStart(3, '0')}-${'x'.repeat(2000)}`);
        if (c === 0 && i === 90) whileLoaded = fileSize();
      }
    };
    await Promise.all([0, 1, 2, 3].map(caller));
    expect(committer.commits).toBeGreaterThanOrEqual(90);
    expect(whileLoaded).toBeGreaterThan(initial);
  });
});
