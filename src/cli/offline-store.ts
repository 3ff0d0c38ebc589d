import { sql } from 'kysely';
import { ConfigError, loadConfig, type ParleyConfig } from '../config.js';
import { formatWebhookEvent } from '../contract/webhook-events.js';
import { systemClock } from '../domain/clock.js';
import { MessageIdGenerator } from '../domain/message-id.js';
import type { Store } from '../domain/ports.js';
import { CredentialCipher, loadOrCreateKey } from '../store/credential-cipher.js';
import { openDatabase, SqliteStartupLock, withStartupLock, type DialectName } from '../store/database.js';
import { GroupCommitter } from '../store/group-commit.js';
import { hotQueries } from '../store/hot-queries.js';
import { createKyselyStore } from '../store/kysely-store.js';
import { migrateTo, migrationNames } from '../store/migrations.js';
import { postgresRunners, sqliteRunners } from '../store/query-runner.js';
import { CliError, EXIT } from './exit-codes.js';
import { startProgress } from './progress.js';

/**
 * The operator commands' way into the database named by DATABASE_URL (as `serve` reads it), with
 * no server: migrations with progress, and the same Store the server uses for its use cases.
 */
export interface OfflineDatabase {
  config: ParleyConfig;
  dialect: DialectName;
  store: Store;
  /** Runs `fn` under the start-up lock every `serve` takes (one bootstrap at a time). */
  locked<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function offlineConfig(): ParleyConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/** Migrations not yet applied, oldest first. */
async function pendingMigrations(db: ReturnType<typeof openDatabase>['db']): Promise<string[]> {
  let applied = new Set<string>();
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    applied = new Set(rows.map((r) => r.name));
  } catch {
    // A fresh database: no migration table yet.
  }
  return migrationNames().filter((name) => !applied.has(name));
}

/** Applies pending migrations one at a time, showing which on a terminal; answers how many ran. */
export async function migrateWithProgress(db: ReturnType<typeof openDatabase>['db'], dialect: DialectName): Promise<string[]> {
  const pending = await pendingMigrations(db);
  const progress = startProgress(`migrating: ${pending.length} to apply`);
  try {
    for (const [i, name] of pending.entries()) {
      progress.update(`migrating ${i + 1}/${pending.length}: ${name}`);
      await migrateTo(db, dialect, name);
    }
  } finally {
    progress.done();
  }
  return pending;
}

/** Opens and migrates the database; failing to reach it is exit 3. */
export async function openOffline(config = offlineConfig()): Promise<OfflineDatabase & { migrated: string[] }> {
  if (config.database.dialect === 'postgres' && config.encryptionKey === null) {
    throw new CliError('PARLEY_ENCRYPTION_KEY is required with PostgreSQL (the key `serve` seals credentials with)', EXIT.usage);
  }
  const lock = config.database.dialect === 'sqlite' ? SqliteStartupLock.acquire(config.database.file) : null;
  let opened: ReturnType<typeof openDatabase>;
  let migrated: string[];
  try {
    opened = openDatabase(config.database);
    migrated = await migrateWithProgress(opened.db, opened.dialect);
  } catch (error) {
    lock?.release();
    throw new CliError(`cannot open the database: ${(error as Error).message}`, EXIT.cannotConnect);
  }
  const { db, dialect, sqlite, close } = opened;
  const { key } = loadOrCreateKey(config.encryptionKey, config.database.dialect === 'sqlite' ? config.database.file : ':memory:');
  const committer = sqlite ? new GroupCommitter(db, sqlite.writer) : null;
  const store = createKyselyStore(db, {
    clock: systemClock,
    messageIds: new MessageIdGenerator(),
    cipher: new CredentialCipher(key),
    formatEvent: formatWebhookEvent,
    committer,
    fast: { runners: sqlite ? sqliteRunners(db, sqlite.writer, sqlite.reader) : postgresRunners(db), queries: hotQueries(db, dialect) },
    lockRows: dialect === 'postgres',
  });
  return {
    config,
    dialect,
    store,
    migrated,
    locked: (fn) => withStartupLock(db, dialect, fn),
    async close() {
      try {
        await close();
      } finally {
        lock?.release();
      }
    },
  };
}
