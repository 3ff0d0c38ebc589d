import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { ParleyConfig } from '../config.js';
import type { Database } from './schema.js';

export interface OpenDatabase {
  db: Kysely<Database>;
  close(): Promise<void>;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh; preparing costs more than running most of ours. Query
 * shapes are few (they vary only with IN-list lengths), so a small LRU of prepared statements
 * keyed by SQL text serves nearly every query. Safe because better-sqlite3 runs one statement
 * at a time on this thread.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql); // re-insert: Map order is the LRU order
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement as unknown as SqliteStatement;
    },
    close() {
      sqlite.close();
    },
  };
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    close: () => db.destroy(),
  };
}
