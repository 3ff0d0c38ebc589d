import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchedReads } from '../../src/store/batched-reads.js';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { param, precompile, type PrecompiledQuery } from '../../src/store/precompiled-query.js';
import { kyselyRunner } from '../../src/store/query-runner.js';
import { createTestDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from './postgres-test-support.js';

// PostgreSQL's version reads of one turn go as one query per kind of read (src/store/batched-reads.ts).
// These check that each read gets its own row, that the query sees what was committed before it
// was asked for, and that a failure reaches only the reads of its query.

const skip = await skipWithoutPostgres('batched version reads on PostgreSQL');

type Db = { notes: { id: number; kind: string; version: number } };

describe.skipIf(skip)('batched version reads on PostgreSQL', () => {
  let opened: OpenDatabase;
  let db: Kysely<Db>;
  let url: string;
  let drop: () => Promise<void> = async () => {};
  let one: PrecompiledQuery<{ kind: string; id: number }>;
  let plain: PrecompiledQuery<{ kind: string; id: number }>;
  let reads: ReturnType<typeof batchedReads>;

  beforeAll(async () => {
    const created = await createTestDatabase('postgres');
    drop = created.drop;
    url = (created.config as { url: string }).url;
    opened = openDatabase(created.config);
    db = opened.db as unknown as Kysely<Db>;
    await sql`create table notes (id integer not null, kind text not null, version integer not null, primary key (kind, id))`.execute(db);
    await sql`insert into notes (id, kind, version) values (1, 'a', 1), (2, 'a', 2), (1, 'b', 10)`.execute(db);
    one = precompile(db.selectFrom('notes').select(['id', 'version']).where('kind', '=', param('kind')).where('id', '=', param('id')));
    plain = precompile(db.selectFrom('notes').select('version').where('kind', '=', param('kind')).where('id', '=', param('id')));
    const many = precompile<{ kind: string; ids: number[] }>(
      db.selectFrom('notes').select(['id', 'version']).where('kind', '=', param('kind')).where(sql<boolean>`id = any(${param('ids')})`));
    reads = batchedReads(kyselyRunner(db as never), new Map([[one as PrecompiledQuery<never>, { many, idArg: 'id', idColumn: 'id' }]]));
  });

  afterAll(async () => {
    await opened?.close();
    await drop();
  });

  const version = async (kind: string, id: number) => (await reads.first<{ version: number }, { kind: string; id: number }>(one, { kind, id }))?.version;

  it('answer the reads of one turn with one query per kind, each read its own row', async () => {
    const before = { ...reads.stats };
    const answers = await Promise.all([['a', 1], ['a', 2], ['a', 1], ['a', 3], ['b', 1]].map(([kind, id]) => version(kind as string, id as number)));
    expect(answers).toEqual([1, 2, 1, undefined, 10]);
    expect(reads.stats.reads - before.reads).toBe(5);
    expect(reads.stats.queries - before.queries).toBe(2);
  });

  it('see what another connection committed before the read was asked for', async () => {
    expect(await version('a', 1)).toBe(1);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("update notes set version = 7 where kind = 'a' and id = 1");
    } finally {
      await client.end();
    }
    expect(await version('a', 1)).toBe(7);
  });

  it('send a read without a many-row form on its own', async () => {
    const before = { ...reads.stats };
    expect(await reads.first(plain, { kind: 'b', id: 1 })).toEqual({ version: 10 });
    expect(reads.stats).toEqual(before);
  });

  it('fail the reads of a query that fails, and answer the next turn', async () => {
    await sql`alter table notes rename to notes_away`.execute(db);
    await expect(version('a', 2)).rejects.toThrow(/notes/);
    await sql`alter table notes_away rename to notes`.execute(db);
    expect(await version('a', 2)).toBe(2);
  });
});
