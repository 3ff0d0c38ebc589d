import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { SqliteHandle } from './database.js';
import type { PrecompiledQuery } from './precompiled-query.js';
import { rawRowsOf, type RowBuilder } from './raw-rows.js';
import type { Database } from './schema.js';
import { batchedReads, type ManyRead } from './batched-reads.js';
import { turnReads, type ReadNow } from './turn-reads.js';

/** Runs precompiled queries on one connection (or pool). */
export interface QueryRunner {
  all<Row, Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<Row[]>;
  first<Row, Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<Row | undefined>;
  run<Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<void>;
}

/** A prepared statement, and for one that answers raw rows, what turns each into an object. */
interface SqliteStatement {
  statement: BetterSqlite3.Statement;
  row: RowBuilder | null;
}

/**
 * Straight to better-sqlite3's prepared statements: no executor, no connection hand-off. Only
 * for a connection nothing else uses concurrently: the read-only one, or the writer while a
 * transaction holds it. Each precompiled query keeps its statement here (they are few and fixed),
 * so the hot path skips the connection's LRU statement cache and its reordering on every call.
 */
export function sqliteRunner(handle: SqliteHandle): QueryRunner & { readNow: ReadNow } {
  const statements = new Map<PrecompiledQuery<never>, SqliteStatement>();
  const statementOf = (query: PrecompiledQuery<never>): SqliteStatement => {
    let prepared = statements.get(query);
    if (!prepared) {
      // Its own statement: the connection's cache holds Kysely's, wrapped for it (database.ts).
      const statement = handle.connection.prepare(query.sql);
      statements.set(query, (prepared = { statement, row: rawRowsOf(statement, query.sql) }));
    }
    return prepared;
  };
  const readNow: ReadNow = (query, args) => {
    const { statement, row } = statementOf(query);
    const values = statement.get(query.bind(args as never)) as unknown[] | undefined;
    return (values && row ? row(values) : values) as never;
  };
  return {
    readNow,
    async all(query, args) {
      const { statement, row } = statementOf(query as never);
      const rows = statement.all(query.bind(args)) as unknown[][];
      return (row ? rows.map(row) : rows) as never;
    },
    async first(query, args) {
      return readNow(query as never, args);
    },
    async run(query, args) {
      statementOf(query as never).statement.run(query.bind(args));
    },
  };
}

/** Through Kysely's executor (PostgreSQL): still skips building and compiling the query. */
export function kyselyRunner(db: Kysely<Database> | Transaction<Database>): QueryRunner {
  const execute = <Row>(query: PrecompiledQuery<Record<string, unknown>>, args: Record<string, unknown>) =>
    db.executeQuery<Row>(CompiledQuery.raw(query.sql, query.bind(args)));
  return {
    async all(query, args) {
      return (await execute(query as never, args)).rows as never;
    },
    async first(query, args) {
      return (await execute(query as never, args)).rows[0] as never;
    },
    async run(query, args) {
      await execute(query as never, args);
    },
  };
}

/** Which runner a store uses for a precompiled query. */
export interface QueryRunners {
  /** Reads outside a transaction. SQLite: the read-only connection, which sees committed data only. */
  read: QueryRunner;
  /** Writes outside a transaction: through Kysely, which hands out the connection (SQLite's writer is shared). */
  write: QueryRunner;
  /** Anything inside a transaction, on its connection. */
  inTransaction(trx: Transaction<Database>): QueryRunner;
  /**
   * The version reads of the answer caches, outside a transaction. SQLite: answered once per
   * turn of the event loop from the rows read since the last commit (turn-reads.ts).
   */
  versions: Pick<QueryRunner, 'first'>;
}

export function sqliteRunners(db: Kysely<Database>, writer: SqliteHandle, reader: SqliteHandle | null): QueryRunners {
  const inTransaction = sqliteRunner(writer);
  const viaKysely = kyselyRunner(db);
  // `:memory:` has no second connection: its reads queue for the writer like any Kysely query.
  if (!reader) return { read: viaKysely, write: viaKysely, inTransaction: () => inTransaction, versions: viaKysely };
  const read = sqliteRunner(reader);
  return { read, write: viaKysely, inTransaction: () => inTransaction, versions: turnReads(reader.connection, read.readNow) };
}

export function postgresRunners(db: Kysely<Database>): QueryRunners {
  const pool = kyselyRunner(db);
  return { read: pool, write: pool, inTransaction: (trx) => kyselyRunner(trx), versions: pool };
}

/** PostgreSQL's runners with the version reads of a turn sent together (batched-reads.ts). */
export function withBatchedVersionReads(runners: QueryRunners, forms: ReadonlyMap<PrecompiledQuery<never>, ManyRead>): QueryRunners {
  return { ...runners, versions: batchedReads(runners.read, forms) };
}
