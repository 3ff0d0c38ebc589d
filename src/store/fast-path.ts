import type { Kysely, Transaction } from 'kysely';
import type { HotQueries } from './hot-queries.js';
import type { QueryRunner, QueryRunners } from './query-runner.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Precompiled hot queries and the runners for them; null: everything through Kysely's builder. */
export interface FastPath {
  runners: QueryRunners;
  queries: HotQueries;
}

/** The runner for reads on `db`: the transaction's inside one, the read runner outside. */
export function readRunner(db: Db, fast: FastPath | null): QueryRunner | null {
  if (!fast) return null;
  return db.isTransaction ? fast.runners.inTransaction(db as Transaction<Database>) : fast.runners.read;
}

/** Writes take the fast path inside a transaction only (outside one, SQLite's writer belongs to Kysely). */
export function writeRunner(db: Db, fast: FastPath | null): QueryRunner | null {
  return fast && db.isTransaction ? fast.runners.inTransaction(db as Transaction<Database>) : null;
}

