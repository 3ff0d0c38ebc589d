import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { GroupCommitter } from '../../src/store/group-commit.js';
import { migrateToLatest } from '../../src/store/migrations.js';
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
      committer.run(async (trx) => {
        // A deferred foreign-key violation passes every statement and fails the COMMIT itself.
        await sql`pragma defer_foreign_keys = on`.execute(trx);
        await trx
          .insertInto('messages')
          .values({ id: 'X', order_kind: 'account', order_id: 1, type: 'user_message', text: 'x', attachment: null, sender_id: 999_999, sent_at: 0 })
          .execute();
      }),
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
