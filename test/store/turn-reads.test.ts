import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { param, precompile, type PrecompiledQuery } from '../../src/store/precompiled-query.js';
import { sqliteRunner } from '../../src/store/query-runner.js';
import { turnReads, type TurnReads } from '../../src/store/turn-reads.js';
import { tempDbFile } from '../support/parley.js';

// The answer caches' version reads on SQLite are answered once per turn of the event loop from
// the rows read since the last commit (src/store/turn-reads.ts). These check that they stay exact
// (a commit by this process's writer or by another process is seen by the next read) and that a
// turn's reads cost one check, not a read each.

let file: string;
let opened: OpenDatabase;
let other: BetterSqlite3.Database;
let reads: TurnReads;

let versionOf: PrecompiledQuery<{ id: number }>;

type Db = { notes: { id: number; version: number } };

beforeEach(async () => {
  file = tempDbFile();
  opened = openDatabase({ dialect: 'sqlite', file });
  await sql`create table notes (id integer primary key, version integer not null)`.execute(opened.db);
  await sql`insert into notes (id, version) values (1, 1), (2, 1)`.execute(opened.db);
  const db = opened.db as unknown as Kysely<Db>;
  versionOf = precompile<{ id: number }>(db.selectFrom('notes').select('version').where('id', '=', param('id')));
  const reader = opened.sqlite!.reader!;
  reads = turnReads(reader.connection, sqliteRunner(reader).readNow);
  other = new BetterSqlite3(file);
});

afterEach(async () => {
  other.close();
  await opened.close();
});

const version = async (id: number) => (await reads.first<{ version: number }, { id: number }>(versionOf, { id }))?.version;

describe('turn reads', () => {
  it('answer the reads of one turn with one check and one read per row', async () => {
    const answers = await Promise.all([1, 1, 2, 1, 2, 3].map(version));
    expect(answers).toEqual([1, 1, 1, 1, 1, undefined]);
    expect(reads.stats).toEqual({ checks: 1, rowReads: 3 });
  });

  it('answer the next turns from the kept rows while nothing is committed', async () => {
    await version(1);
    await version(1);
    await version(3);
    await version(3);
    expect(reads.stats).toEqual({ checks: 4, rowReads: 2 });
  });

  it("see a commit by this process's writer at the next read", async () => {
    expect(await version(1)).toBe(1);
    await sql`update notes set version = 2 where id = 1`.execute(opened.db);
    expect(await version(1)).toBe(2);
    expect(reads.stats.rowReads).toBe(2);
  });

  it('see a commit by another process at the next read, and a row it adds', async () => {
    expect(await version(1)).toBe(1);
    expect(await version(3)).toBeUndefined();
    other.exec('update notes set version = 5 where id = 1; insert into notes (id, version) values (3, 1)');
    expect(await version(1)).toBe(5);
    expect(await version(3)).toBe(1);
  });

  it('never answer a transaction that is not committed', async () => {
    other.exec('begin; update notes set version = 9 where id = 1');
    expect(await version(1)).toBe(1);
    other.exec('commit');
    expect(await version(1)).toBe(9);
  });

  it('keep at most maxRows rows and still answer every read', async () => {
    const reader = opened.sqlite!.reader!;
    const small = turnReads(reader.connection, sqliteRunner(reader).readNow, 1);
    const read = async (id: number) => (await small.first<{ version: number }, { id: number }>(versionOf, { id }))?.version;
    expect(await Promise.all([1, 2, 1, 2].map(read))).toEqual([1, 1, 1, 1]);
    expect(small.stats.rowReads).toBe(4);
  });

  it('fail only the reads of a turn whose statement fails, and recover', async () => {
    other.exec('drop table notes');
    await expect(version(1)).rejects.toThrow(/no such table/);
    other.exec('create table notes (id integer primary key, version integer not null); insert into notes values (1, 7)');
    expect(await version(1)).toBe(7);
  });
});
