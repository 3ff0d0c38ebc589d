import { randomBytes } from 'node:crypto';
import { loadConfig, type DatabaseConfig, type ParleyConfig } from '../../src/config.js';
import { startParley, type RunningParley, type StartOptions } from '../../src/server.js';
import { ApiClient } from './api-client.js';
import { Fixtures } from './fixtures.js';
import { OpenApiValidator } from './openapi-validator.js';
import {
  createTestPgDatabase,
  openPgTestDb,
  openSqliteTestDb,
  tempDbFile,
  testDialect,
  type TestDb,
} from './test-db.js';
import { SyncPg } from './sync-pg.js';

export { tempDbFile, testDialect, type TestDb, type TestStatement } from './test-db.js';

export interface TestParley {
  url: string;
  /** What the server runs on: a SQLite file or a PostgreSQL database of its own. */
  database: DatabaseConfig;
  /** The SQLite file; on PostgreSQL there is none (empty string): use readDb/writeDb. */
  dbFile: string;
  adminToken: string;
  /** Unauthenticated client; use `.withToken()` or `{ token }`. */
  api: ApiClient;
  /** Client holding the admin token. */
  admin: ApiClient;
  fixtures: Fixtures;
  running: RunningParley;
  /**
   * A separate connection, for assertions on what was committed, with better-sqlite3's
   * synchronous `prepare(sql).get/all/run` on both dialects (read-only on SQLite).
   */
  readDb<T>(fn: (db: TestDb) => T): T;
  /** The same, read-write: arranges data the API cannot. */
  writeDb<T>(fn: (db: TestDb) => T): T;
  close(): Promise<void>;
}

/**
 * The real server, listening on a loopback port, on its own temporary SQLite file or, with
 * `PARLEY_TEST_DB=postgres`, on a fresh PostgreSQL database dropped again by `close()`.
 * Rate limits and the failed-authentication throttle are off unless a test sets them; env overrides go through the same loader as production.
 * An explicit `DATABASE_URL` in `env` is used as is (and not removed on close). `options.clock`
 * replaces the system clock for the whole server.
 */
export async function startTestParley(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestParley> {
  const pgDatabase = env.DATABASE_URL === undefined && testDialect() === 'postgres' ? await createTestPgDatabase() : null;
  const databaseUrl = env.DATABASE_URL ?? pgDatabase?.url ?? tempDbFile();
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  let running: RunningParley;
  let config: ParleyConfig;
  try {
    config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      PARLEY_ADMIN_TOKEN: adminToken,
      PARLEY_SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      PARLEY_RATE_LIMIT_READS: '0',
      PARLEY_RATE_LIMIT_WRITES: '0',
      PARLEY_RATE_LIMIT_CHAT: '0',
      PARLEY_RATE_LIMIT_RESOURCE_MINUTE: '0',
      PARLEY_RATE_LIMIT_RESOURCE_HOUR: '0',
      // Suites send many bad keys from one address on purpose; the throttle has its own tests.
      PARLEY_AUTH_FAILURES_PER_MINUTE: '0',
      // PostgreSQL keeps no key file: the key comes from the environment, as in production.
      ...(pgDatabase ? { PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex') } : {}),
      ...env,
    });
    running = await startParley(config, options);
  } catch (error) {
    await pgDatabase?.drop();
    throw error;
  }
  const document = await (await fetch(`${running.url}/api/openapi.json`)).json();
  const api = new ApiClient(running.url, new OpenApiValidator(document));
  const admin = api.withToken(adminToken);
  const database = config.database;
  // PostgreSQL: one synchronous connection for the server's lifetime, opened on first use.
  let pgConnection: SyncPg | null = null;
  const open = (readonly: boolean): TestDb => {
    if (database.dialect === 'sqlite') return openSqliteTestDb(database.file, readonly);
    pgConnection ??= new SyncPg(database.url);
    return openPgTestDb(pgConnection);
  };
  const using = <T>(readonly: boolean, fn: (db: TestDb) => T): T => {
    const db = open(readonly);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    url: running.url,
    database,
    dbFile: database.dialect === 'sqlite' ? database.file : '',
    adminToken,
    api,
    admin,
    fixtures: new Fixtures(admin),
    running,
    readDb: (fn) => using(true, fn),
    writeDb: (fn) => using(false, fn),
    async close() {
      try {
        pgConnection?.close();
        await running.close();
      } finally {
        await pgDatabase?.drop();
      }
    },
  };
}
