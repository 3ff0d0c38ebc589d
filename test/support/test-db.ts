import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { inject } from 'vitest';
import { dropPgDatabases, pgUrlFor, TEST_PG_PREFIX, withAdminClient } from './pg-admin.js';
import type { DatabaseConfig } from '../../src/config.js';
import type { SyncPg } from './sync-pg.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/support/postgres-global-setup.ts: names this run's test databases. */
    parleyPgRunId: string;
    /** Set by test/support/temp-root-setup.ts: the run's folder for test databases. */
    parleyTempRoot: string;
  }
}

/**
 * Which database the black-box suites run on: `PARLEY_TEST_DB=postgres` (set by the `postgres`
 * project in vitest.config.ts) or SQLite (the default).
 */
export type TestDialect = 'sqlite' | 'postgres';
export function testDialect(): TestDialect {
  return process.env.PARLEY_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

/** The run's folder (removed when the run ends), or the OS's outside a vitest run. */
function tempRoot(): string {
  try {
    return inject('parleyTempRoot') ?? os.tmpdir();
  } catch {
    return os.tmpdir(); // outside a vitest worker
  }
}

/** A SQLite file in a fresh temporary folder of its own. */
export function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(tempRoot(), 'parley-test-'));
  return path.join(dir, 'parley.sqlite');
}

function runId(): string {
  let id: string | undefined;
  try {
    id = inject('parleyPgRunId');
  } catch {
    id = undefined; // outside a vitest worker
  }
  return id ?? `p${process.pid}`;
}

/** A fresh, empty PostgreSQL database for one test server; `drop()` removes it. */
export async function createTestPgDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${TEST_PG_PREFIX}${runId()}_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database "${name}"`));
  return {
    name,
    url: pgUrlFor(name),
    drop: () => dropPgDatabases([name]),
  };
}

/** A fresh database of either dialect (a SQLite file in its own temporary folder); `drop()` removes it. */
export async function createTestDatabase(dialect: TestDialect): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  if (dialect === 'postgres') {
    const database = await createTestPgDatabase();
    return { config: { dialect: 'postgres', url: database.url }, drop: database.drop };
  }
  const file = tempDbFile();
  return { config: { dialect: 'sqlite', file }, drop: async () => fs.rmSync(path.dirname(file), { recursive: true, force: true }) };
}

/**
 * The synchronous surface of better-sqlite3 that the suites use to look at (and arrange) what
 * was committed: `prepare(sql).get/all/run` with positional `?` or named `@name` parameters.
 */
export interface TestStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
export interface TestDb {
  prepare(sql: string): TestStatement;
  /** SQLite pragmas; on PostgreSQL only `busy_timeout` is accepted (and means nothing there). */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): void;
}

export function openSqliteTestDb(file: string, readonly: boolean): TestDb {
  const db = new BetterSqlite3(file, { readonly });
  if (!readonly) db.pragma('busy_timeout = 5000');
  return db as unknown as TestDb;
}

/** A SQL literal for PostgreSQL (standard_conforming_strings: backslashes are plain characters). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot bind ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Buffer.isBuffer(value)) return `'\\x${value.toString('hex')}'::bytea`;
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new TypeError('PostgreSQL text cannot hold NUL');
    return `'${value.replace(/'/g, "''")}'`;
  }
  throw new TypeError(`cannot bind a ${typeof value}`);
}

/**
 * Inlines better-sqlite3 style parameters as literals: `?` takes the positional values in order,
 * `@name` / `:name` a property of a single object argument. Quoted strings and identifiers are
 * copied untouched, as are `::` casts.
 */
export function inlineParams(sql: string, params: unknown[]): string {
  const named = params.length === 1 && params[0] !== null && typeof params[0] === 'object' && !Buffer.isBuffer(params[0])
    ? (params[0] as Record<string, unknown>)
    : null;
  let positional = 0;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${sql}`);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '?') {
      if (named || positional >= params.length) throw new RangeError(`too few parameter values for: ${sql}`);
      out += literal(params[positional++]);
    } else if ((c === '@' || (c === ':' && sql[i + 1] !== ':' && sql[i - 1] !== ':')) && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      if (!named || !(name in named)) throw new RangeError(`missing named parameter ${name} for: ${sql}`);
      out += literal(named[name]);
      i += name.length;
    } else {
      out += c;
    }
  }
  if (!named && positional !== params.length) throw new RangeError(`too many parameter values for: ${sql}`);
  return out;
}

/**
 * The same surface over PostgreSQL, synchronous like better-sqlite3, on one connection held in a
 * worker thread (test/support/sync-pg.ts). bigint comes back as a number, as SQLite's INTEGER
 * does; `run()` reports the row count.
 */
export function openPgTestDb(connection: SyncPg): TestDb {
  const query = (sql: string, params: unknown[]) => connection.query(inlineParams(sql, params));
  return {
    prepare(sql) {
      return {
        get: (...params) => query(sql, params).rows[0],
        all: (...params) => query(sql, params).rows,
        run: (...params) => ({ changes: query(sql, params).rowCount }),
      };
    },
    pragma(source) {
      if (/^\s*busy_timeout\b/i.test(source)) return undefined;
      throw new Error(`pragma ${source} is SQLite's; this test runs on PostgreSQL`);
    },
    close() {}, // the connection belongs to the test server's lifetime
  };
}
