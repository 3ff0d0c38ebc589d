import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely, PostgresDialect, sql, SqliteDialect, type PostgresPool, type PostgresPoolClient, type SqliteDatabase, type SqliteStatement,
} from 'kysely';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { preparedName } from './prepared-statements.js';
import { rawRowsOf } from './raw-rows.js';
import type { Database } from './schema.js';

export type DialectName = DatabaseConfig['dialect'];

export interface OpenDatabase {
  db: Kysely<Database>;
  close(): Promise<void>;
  dialect: DialectName;
  /**
   * SQLite's own handles, for precompiled hot queries: the writer Kysely also uses, and a
   * read-only connection (null for `:memory:`) that sees committed data only.
   */
  sqlite: { writer: SqliteHandle; reader: SqliteHandle | null } | null;
  /**
   * Gives every PostgreSQL query from now on a deadline of `ms` milliseconds (0: none); a no-op on
   * SQLite. Off when opened: start-up (migrations, the start-up lock) may rightly take longer.
   */
  setQueryTimeout(ms: number): void;
}

/** Prepares a statement, or hands back the one prepared earlier for the same SQL. */
export type PrepareStatement = (sql: string) => BetterSqlite3.Statement;

/** A better-sqlite3 connection and its statement cache (shared by everything that uses it). */
export interface SqliteHandle {
  connection: BetterSqlite3.Database;
  prepare: PrepareStatement;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh; preparing costs more than running most of ours. Query
 * shapes are few (they vary only with IN-list lengths), so a small LRU of prepared statements
 * keyed by SQL text serves nearly every query. Safe because better-sqlite3 runs one statement
 * at a time on this thread.
 */
function cachedStatements(sqlite: BetterSqlite3.Database): SqliteHandle {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql); // re-insert: Map order is the LRU order
    } else {
      statement = sqlite.prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return statement;
  };
  return { connection: sqlite, prepare };
}

/** What Kysely runs for a cached statement: raw rows turned into objects (src/store/raw-rows.ts). */
function kyselyStatement(statement: BetterSqlite3.Statement, sql: string): SqliteStatement {
  const row = rawRowsOf(statement, sql);
  if (row === null) return statement as unknown as SqliteStatement;
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters as unknown[]) as unknown[][]).map(row),
    run: (parameters) => statement.run(parameters as unknown[]),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters as unknown[]) as IterableIterator<unknown[]>) yield row(values);
    },
  };
}

/** Kysely's view of a connection whose statements come from the cache. */
function kyselySqliteDatabase(handle: SqliteHandle): SqliteDatabase {
  const statements = new WeakMap<BetterSqlite3.Statement, SqliteStatement>();
  return {
    prepare: (sql: string) => {
      const statement = handle.prepare(sql);
      let wrapped = statements.get(statement);
      if (wrapped === undefined) statements.set(statement, (wrapped = kyselyStatement(statement, sql)));
      return wrapped;
    },
    close: () => handle.connection.close(),
  };
}

/**
 * Creates `file` empty with mode 0600 unless it exists. SQLite gives the -wal, -shm and -journal
 * files it creates beside a database the database file's own mode, so they are owner-only too;
 * an existing file keeps the mode its operator gave it.
 */
export function createOwnerOnly(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return;
  }
  // The mode given to open() passes through the umask; say it once more, exactly.
  fs.chmodSync(file, 0o600);
}

/**
 * SQLite in WAL mode with synchronous=FULL: a commit has reached the disk (not just the OS)
 * before the statement returns, so a reply sent after a commit survives power loss.
 */
function openSqlite(file: string): OpenDatabase {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    createOwnerOnly(file);
  }
  const connection = new BetterSqlite3(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  // Other processes on the same file (docs/deploy.md) commit in turn: wait for theirs.
  connection.pragma('busy_timeout = 5000');
  const writer = cachedStatements(connection);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselySqliteDatabase(writer) }) });
  // WAL lets this second connection read while the writer's group commit holds a transaction
  // open, and it never sees that transaction's writes before they are committed.
  let reader: SqliteHandle | null = null;
  if (file !== ':memory:') {
    const readOnly = new BetterSqlite3(file, { readonly: true });
    readOnly.pragma('busy_timeout = 5000');
    reader = cachedStatements(readOnly);
  }
  return {
    db,
    dialect: 'sqlite',
    sqlite: { writer, reader },
    setQueryTimeout: () => undefined,
    async close() {
      reader?.connection.close();
      await db.destroy();
    },
  };
}

/** How long a query may wait to connect, or for one of the pool's connections. */
const POOL_CONNECT_TIMEOUT_MS = 5_000;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Every integer column is `bigint` on PostgreSQL (SQLite's INTEGER is 64-bit), and `count(*)` is
 * int8 too: node-postgres hands those back as strings by default. Parley's values (ids, Unix
 * seconds and milliseconds, cents) stay far below 2^53, so they are read as numbers, exactly as
 * better-sqlite3 returns them. Set on this pool only, not on the global `pg.types`.
 */
function pgTypes(types: typeof pg.types): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
      return types.getTypeParser(oid, format as 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/** node-postgres, loaded (synchronously, it is CommonJS) only when the database is PostgreSQL. */
function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}

/** node-postgres's error for a query that outlived its `query_timeout` (it has no code). */
export const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * The pool as Kysely sees it, with a deadline on every query (node-postgres's per-query
 * `query_timeout`). A server that stops answering without closing the socket (paused, or the
 * network path dropped) would otherwise hold the query until TCP keepalive gives up, minutes later.
 * node-postgres rejects the query at the deadline but leaves it running on the connection, which
 * would answer the next query only after it: so the client is ended at once (its socket destroyed,
 * since a query is active), what is still queued on it (Kysely's ROLLBACK) fails at once, and the
 * pool drops it on release. No statement_timeout on the server: it cannot fire on a paused server,
 * and this deadline already ends the connection, after which PostgreSQL rolls the transaction back.
 */
function withQueryDeadline(pool: pg.Pool, timeoutMs: () => number): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const socket = (client as unknown as { connection?: { stream?: Writable } }).connection?.stream;
      const query = async (text: string, values: ReadonlyArray<unknown>) => {
        // node-postgres writes each protocol message of a query on its own (five for a query with
        // parameters), each a system call; corked until the end of this tick, the query (and any
        // others sent with it, pipelined) leaves in one write.
        if (socket && socket.writableCorked === 0) {
          socket.cork();
          process.nextTick(() => socket.uncork());
        }
        const ms = timeoutMs();
        const name = preparedName(text);
        try {
          return ms > 0 || name !== undefined
            ? await client.query({ name, text, values: [...values], query_timeout: ms > 0 ? ms : undefined } as pg.QueryConfig)
            : await client.query(text, [...values]);
        } catch (error) {
          if ((error as Error | null)?.message === QUERY_TIMEOUT_MESSAGE) client.end().catch(() => undefined);
          throw error;
        }
      };
      return {
        // Kysely's cursor overload is not used (no `cursor` in the dialect's config).
        query: query as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * PostgreSQL through a small pool. Durability is the server's (fsync on COMMIT with the default
 * synchronous_commit=on), so a reply sent after a commit survives a crash here too.
 */
function openPostgres(url: string): OpenDatabase {
  const pgModule = loadPg();
  const pool = new pgModule.Pool({
    connectionString: url,
    max: 10,
    types: pgTypes(pgModule.types),
    // Connecting, or waiting for a free connection, fails after this instead of holding the
    // request while the server is away: the request answers 503 (src/store/database-errors.ts).
    connectionTimeoutMillis: POOL_CONNECT_TIMEOUT_MS,
    // A server that vanished without closing the socket (a dropped network path) is noticed by
    // TCP, eventually; queries do not wait for that (withQueryDeadline).
    keepAlive: true,
    // A client sends each query at once instead of after the previous answer. Kysely still runs a
    // transaction's queries one at a time; the group commit pipelines its batches (pg-group-commit.ts).
    pipeline: true,
  } as pg.PoolConfig);
  // A connection lost while idle in the pool (a server restart): the pool drops it and emits
  // 'error', which must not crash the process; the next query opens a fresh connection.
  pool.on('error', () => undefined);
  // A connection lost while checked out (pg_terminate_backend, a failover during a transaction)
  // emits 'error' on the client, which the pool does not listen to then: unhandled, that would
  // kill the process. Its query rejects with the same error, which fails the request (503), and
  // Kysely's release hands the broken client back, which the pool discards.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  let queryTimeoutMs = 0;
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withQueryDeadline(pool, () => queryTimeoutMs) }) });
  return {
    db,
    close: () => db.destroy(),
    dialect: 'postgres',
    sqlite: null,
    setQueryTimeout(ms) {
      queryTimeoutMs = ms;
    },
  };
}

/** The database the configuration names, behind the same Kysely interface. */
export function openDatabase(config: DatabaseConfig): OpenDatabase {
  return config.dialect === 'postgres' ? openPostgres(config.url) : openSqlite(config.file);
}

/** Advisory lock id of the first-start bootstrap ("parl"). */
const STARTUP_LOCK_ID = 0x7061726c;

/**
 * Runs `fn` (the first-start bootstrap: admin user, first admin key, demo seed) while holding a
 * lock every instance's start-up takes, so that instances starting together on one empty
 * PostgreSQL database bootstrap it once: the others wait, then find it populated. On SQLite it
 * just runs `fn`.
 */
export async function withStartupLock<T>(db: Kysely<Database>, dialect: DialectName, fn: () => Promise<T>): Promise<T> {
  if (dialect !== 'postgres') return fn();
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(STARTUP_LOCK_ID)})`.execute(connection);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(STARTUP_LOCK_ID)})`.execute(connection);
    }
  });
}

/**
 * A lock that Parley processes starting on one SQLite file take around migrating and
 * bootstrapping it (Kysely's SQLite migrator takes none, so two processes starting together
 * would both run the first migration). It is an IMMEDIATE transaction on a small side file,
 * `<database>.startup-lock`: SQLite's own file locks, which the OS drops if the holder dies.
 * Waiting blocks the thread, which has nothing else to do before it listens. None for `:memory:`.
 */
export class SqliteStartupLock {
  private constructor(private handle: BetterSqlite3.Database | null) {}

  static acquire(file: string, timeoutMs = 60_000): SqliteStartupLock {
    if (file === ':memory:') return new SqliteStartupLock(null);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    createOwnerOnly(`${file}.startup-lock`);
    const handle = new BetterSqlite3(`${file}.startup-lock`);
    try {
      handle.pragma(`busy_timeout = ${timeoutMs}`);
      handle.exec('BEGIN IMMEDIATE');
    } catch (error) {
      handle.close();
      throw new Error(`another Parley process held the start-up lock of ${file} for over ${timeoutMs / 1000} s`, { cause: error });
    }
    return new SqliteStartupLock(handle);
  }

  /** Idempotent. */
  release(): void {
    if (!this.handle) return;
    this.handle.exec('ROLLBACK');
    this.handle.close();
    this.handle = null;
  }
}
