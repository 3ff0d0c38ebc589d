import type { Kysely, Transaction } from 'kysely';
import type { HotQueries } from './hot-queries.js';
import type { QueryRunner, QueryRunners } from './query-runner.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Precompiled hot queries and the runners for them. */
export interface FastPath {
  runners: QueryRunners;
  queries: HotQueries;
}

/** The runner for reads on `db`: the transaction's inside one, the read runner outside. */
export function readRunner(db: Db, fast: FastPath): QueryRunner {
  return db.isTransaction ? fast.runners.inTransaction(db as Transaction<Database>) : fast.runners.read;
}

/** The runner for the answer caches' version reads on `db`: the transaction's inside one. */
export function versionRunner(db: Db, fast: FastPath): Pick<QueryRunner, 'first'> {
  return db.isTransaction ? fast.runners.inTransaction(db as Transaction<Database>) : fast.runners.versions;
}

/** The runner for writes on `db`: the transaction's inside one, Kysely's executor outside. */
export function writeRunner(db: Db, fast: FastPath): QueryRunner {
  return db.isTransaction ? fast.runners.inTransaction(db as Transaction<Database>) : fast.runners.write;
}
