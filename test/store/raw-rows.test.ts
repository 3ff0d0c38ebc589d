import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { param, precompile } from '../../src/store/precompiled-query.js';
import { sqliteRunner } from '../../src/store/query-runner.js';
import { tempDbFile } from '../support/parley.js';

// SQLite statements answer raw rows, turned into objects by a builder made when the statement is
// prepared (src/store/raw-rows.ts). These check the objects, through Kysely and the precompiled
// runner, including after another process rebuilt the table with its columns in another order.

let file: string;
let opened: OpenDatabase;
let other: BetterSqlite3.Database;

beforeEach(async () => {
  file = tempDbFile();
  opened = openDatabase({ dialect: 'sqlite', file });
  await sql`create table notes (id integer primary key, kind text not null, body text)`.execute(opened.db);
  await sql`insert into notes (id, kind, body) values (1, 'a', 'one'), (2, 'b', null)`.execute(opened.db);
  // Another process on the same file (as several Parley processes on one host may be).
  other = new BetterSqlite3(file);
});

afterEach(async () => {
  other.close();
  await opened.close();
});

/** What a newer process's migration might do: the same columns, rebuilt in another order. */
function rebuildInAnotherOrder(): void {
  other.exec(`begin;
    create table notes_next (body text, kind text not null, id integer primary key);
    insert into notes_next (body, kind, id) select body, kind, id from notes;
    drop table notes;
    alter table notes_next rename to notes;
    commit;`);
}

type Db = { notes: { id: number; kind: string; body: string | null } };

describe('SQLite rows', () => {
  it('reach Kysely as objects, for all, for streams and for writes that return rows', async () => {
    const db = opened.db as unknown as import('kysely').Kysely<Db>;
    expect(await db.selectFrom('notes').select(['id', 'body']).orderBy('id').execute()).toEqual([{ id: 1, body: 'one' }, { id: 2, body: null }]);
    const streamed = [];
    for await (const row of db.selectFrom('notes').select(['kind', 'id as n']).orderBy('id').stream()) streamed.push(row);
    expect(streamed).toEqual([{ kind: 'a', n: 1 }, { kind: 'b', n: 2 }]);
    expect(await db.insertInto('notes').values({ id: 3, kind: 'c', body: 'three' }).returning(['id', 'kind']).execute()).toEqual([{ id: 3, kind: 'c' }]);
    const result = await db.updateTable('notes').set({ body: 'uno' }).where('id', '=', 1).executeTakeFirstOrThrow();
    expect(result.numUpdatedRows).toBe(1n);
  });

  it('answer a column named __proto__ as better-sqlite3 itself does (never as the prototype)', async () => {
    const text = 'select id as "__proto__", kind from notes where id = 1';
    const row = (await sql.raw<Record<string, unknown>>(text).execute(opened.db)).rows[0]!;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row).toEqual(other.prepare(text).get());
    expect(row.kind).toBe('a');
  });

  it('keep their names after another process rebuilt the table in another column order', async () => {
    const db = opened.db as unknown as import('kysely').Kysely<Db>;
    const runner = sqliteRunner(opened.sqlite!.writer);
    const named = precompile<{ id: number }>(db.selectFrom('notes').select(['id', 'kind', 'body']).where('id', '=', param('id')));
    const all = precompile<{ id: number }>(db.selectFrom('notes').selectAll().where('id', '=', param('id')));
    const expected = { id: 1, kind: 'a', body: 'one' };
    // Prepared, and their builders made, before the rebuild.
    expect(await runner.first(named, { id: 1 })).toEqual(expected);
    expect(await runner.first(all, { id: 1 })).toEqual(expected);
    expect(await db.selectFrom('notes').selectAll().where('id', '=', 1).execute()).toEqual([expected]);

    rebuildInAnotherOrder();

    expect(await runner.first(named, { id: 1 })).toEqual(expected);
    expect(await runner.first(all, { id: 1 })).toEqual(expected);
    expect(await db.selectFrom('notes').select(['id', 'kind', 'body']).where('id', '=', 1).execute()).toEqual([expected]);
    expect(await db.selectFrom('notes').selectAll().where('id', '=', 1).execute()).toEqual([expected]);
  });
});
