import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { ParleyConfig } from '../config.js';
import type { Database } from './schema.js';

export interface OpenDatabase {
  db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * SQLite in WAL mode with synchronous=FULL: a commit has reached the disk (not just the OS)
 * before the statement returns, so a reply sent after a commit survives power loss.
 */
export function openDatabase(config: ParleyConfig['database']): OpenDatabase {
  if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true });
  const sqlite = new BetterSqlite3(config.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    close: () => db.destroy(),
  };
}
