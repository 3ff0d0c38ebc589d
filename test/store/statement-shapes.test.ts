import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { kyselyRunner } from '../../src/store/query-runner.js';
import { slots, StatementShapes } from '../../src/store/statement-shapes.js';
import { tempDbFile } from '../support/parley.js';

// Shaped statements (src/store/statement-shapes.ts): compiled once per shape, then only bound.

type Db = { notes: { id: number; kind: string; n: number } };
let opened: OpenDatabase;
let db: Kysely<Db>;

beforeEach(async () => {
  opened = openDatabase({ dialect: 'sqlite', file: tempDbFile() });
  db = opened.db as unknown as Kysely<Db>;
  await sql`create table notes (id integer primary key, kind text not null, n integer not null)`.execute(db);
});

afterEach(async () => {
  await opened.close();
});

describe('statement shapes', () => {
  it('compile a shape once and bind each run its own values by slot, fixed values kept', async () => {
    const shapes = new StatementShapes();
    const runner = kyselyRunner(db as never);
    const insert = (rows: [number, number][]) => shapes.get(`insert:${rows.length}`, (slot) =>
      db.insertInto('notes').values(rows.map((_, i) => ({ id: slot(i * 2), kind: 'fixed', n: slot(i * 2 + 1) })) as never));
    const first = insert([[1, 10], [2, 20]]);
    await runner.run(first, slots([1, 10, 2, 20]));
    const again = insert([[3, 30], [4, 40]]);
    expect(again).toBe(first);
    await runner.run(again, slots([3, 30, 4, 40]));
    await runner.run(insert([[5, 50]]), slots([5, 50]));
    expect(shapes.size).toBe(2);

    // One slot used twice.
    const select = shapes.get('between', (slot) => db.selectFrom('notes').select(['id', 'kind']).where('n', '>=', slot(0) as never).where('id', '<=', slot(0) as never).orderBy('id'));
    const ids = async (value: number) => (await runner.all<{ id: number }, never>(select, slots([value]))).map((row) => row.id);
    expect(await ids(3)).toEqual([1, 2, 3]);
    expect(await ids(40)).toEqual([4, 5]);
    expect(await runner.all(select, slots([50]))).toEqual([{ id: 5, kind: 'fixed' }]);
  });

  it('refuse a run that leaves a slot without a value', async () => {
    const shapes = new StatementShapes();
    const query = shapes.get('one', (slot) => db.selectFrom('notes').select('id').where('id', '=', slot(0) as never).where('n', '=', slot(1) as never));
    await expect(kyselyRunner(db as never).all(query, slots([1]))).rejects.toThrow(/no value for "1"/);
  });
});
