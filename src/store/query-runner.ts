import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { PrecompiledQuery } from './precompiled-query.js';
import type { Database } from './schema.js';

/** Runs precompiled queries on one connection (or pool). */
export interface QueryRunner {
  all<Row, Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<Row[]>;
  first<Row, Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<Row | undefined>;
  run<Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<void>;
}

/**
 * Straight to better-sqlite3's prepared statements: no executor, no connection hand-off. Only
 * for a connection nothing else uses concurrently: the read-only one, or the writer while a
 * transaction holds it.
 */
export function sqliteRunner(sqlite: BetterSqlite3.Database): QueryRunner {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = sqlite.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    async all(query, args) {
      return prepare(query.sql).all(query.bind(args)) as never;
    },
    async first(query, args) {
      return prepare(query.sql).get(query.bind(args)) as never;
    },
    async run(query, args) {
      prepare(query.sql).run(query.bind(args));
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

/**
 * Which runner a store uses: `read` outside a transaction (reads only; on SQLite a second,
 * read-only connection, which sees committed data only), `inTransaction` inside one.
 */
export interface QueryRunners {
  read: QueryRunner | null;
  inTransaction(trx: Transaction<Database>): QueryRunner;
}

export function sqliteRunners(writer: BetterSqlite3.Database, reader: BetterSqlite3.Database | null): QueryRunners {
  const write = sqliteRunner(writer);
  return { read: reader ? sqliteRunner(reader) : null, inTransaction: () => write };
}

export function postgresRunners(db: Kysely<Database>): QueryRunners {
  return { read: kyselyRunner(db), inTransaction: (trx) => kyselyRunner(trx) };
}
