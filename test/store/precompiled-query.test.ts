import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { param, precompile } from '../../src/store/precompiled-query.js';
import { sqliteRunner } from '../../src/store/query-runner.js';

interface Db {
  notes: { id: number; kind: string; body: string };
}

describe('precompiled queries', () => {
  const sqlite = new BetterSqlite3(':memory:');
  const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: sqlite }) });
  sqlite.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL)");
  afterEach(() => sqlite.exec('DELETE FROM notes'));

  const byKind = precompile<{ kind: string }>(
    db.selectFrom('notes').select(['id', 'body']).where('kind', '=', param('kind')).where('body', '!=', 'hidden').orderBy('id'),
  );
  const insert = precompile<{ id: number; kind: string; body: string }>(
    db.insertInto('notes').values({ id: param('id'), kind: param('kind'), body: param('body') }),
  );

  it('binds named values in the order of the SQL, around the values fixed at compile time', () => {
    expect(byKind.bind({ kind: 'a' })).toEqual(['a', 'hidden']);
    expect(insert.bind({ body: 'b', kind: 'k', id: 7 })).toEqual([7, 'k', 'b']);
  });

  it('refuses to run without a value for a name', () => {
    expect(() => insert.bind({ id: 1, kind: 'k' } as never)).toThrow('precompiled query: no value for "body"');
  });

  it('runs on a SQLite runner, reusing its statement across calls with other values', async () => {
    const prepared: string[] = [];
    const connection = new Proxy(sqlite, {
      get: (target, key) => (key === 'prepare' ? (sql: string) => (prepared.push(sql), target.prepare(sql)) : Reflect.get(target, key, target)),
    });
    const runner = sqliteRunner({ connection, prepare: (sql) => sqlite.prepare(sql) });
    await runner.run(insert, { id: 1, kind: 'a', body: 'one' });
    await runner.run(insert, { id: 2, kind: 'b', body: 'two' });
    await runner.run(insert, { id: 3, kind: 'a', body: 'hidden' });
    await runner.run(insert, { id: 4, kind: 'a', body: 'four' });
    expect(await runner.all(byKind, { kind: 'a' })).toEqual([{ id: 1, body: 'one' }, { id: 4, body: 'four' }]);
    expect(await runner.first(byKind, { kind: 'b' })).toEqual({ id: 2, body: 'two' });
    expect(await runner.first(byKind, { kind: 'c' })).toBeUndefined();
    expect(prepared).toEqual([insert.sql, byKind.sql]);
  });

  it('answers rows as objects keyed by column name, the last of a repeated name winning, without changing the shared statements', async () => {
    const shared = new Map<string, BetterSqlite3.Statement>();
    const prepare = (sql: string) => shared.get(sql) ?? shared.set(sql, sqlite.prepare(sql)).get(sql)!;
    const runner = sqliteRunner({ connection: sqlite, prepare });
    await runner.run(insert, { id: 1, kind: 'a', body: 'it\'s "one"' });
    const twice = precompile<{ id: number }>(
      db.selectFrom('notes').select(['body as x', 'kind as x', 'id']).where('id', '=', param('id')),
    );
    expect(await runner.first(twice, { id: 1 })).toEqual({ x: 'a', id: 1 });
    expect(await runner.first(byKind, { kind: 'a' })).toEqual({ id: 1, body: 'it\'s "one"' });
    // Kysely's statements for the same SQL still answer objects.
    expect(prepare(byKind.sql).get(byKind.bind({ kind: 'a' }))).toEqual({ id: 1, body: 'it\'s "one"' });
    expect(await db.selectFrom('notes').select(['id', 'body']).execute()).toEqual([{ id: 1, body: 'it\'s "one"' }]);
  });
});
