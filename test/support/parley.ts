import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig, type ParleyConfig } from '../../src/config.js';
import { startParley, type RunningParley } from '../../src/server.js';
import { ApiClient } from './api-client.js';
import { Fixtures } from './fixtures.js';
import { OpenApiValidator } from './openapi-validator.js';

export interface TestParley {
  url: string;
  dbFile: string;
  adminToken: string;
  /** Unauthenticated client; use `.withToken()` or `{ token }`. */
  api: ApiClient;
  /** Client holding the admin token. */
  admin: ApiClient;
  fixtures: Fixtures;
  running: RunningParley;
  /** Opens the SQLite file read-only, for assertions on what was committed. */
  readDb<T>(fn: (db: BetterSqlite3.Database) => T): T;
  close(): Promise<void>;
}

export function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  return path.join(dir, 'parley.sqlite');
}

/**
 * The real server, listening on a loopback port, on its own temporary SQLite file.
 * Rate limits are off unless a test sets them; env overrides go through the same loader as production.
 */
export async function startTestParley(env: Record<string, string> = {}): Promise<TestParley> {
  const dbFile = env.DATABASE_URL ?? tempDbFile();
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const config: ParleyConfig = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: dbFile,
    PARLEY_ADMIN_TOKEN: adminToken,
    PARLEY_SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    PARLEY_RATE_LIMIT_READS: '0',
    PARLEY_RATE_LIMIT_WRITES: '0',
    PARLEY_RATE_LIMIT_CHAT: '0',
    ...env,
  });
  const running = await startParley(config);
  const document = await (await fetch(`${running.url}/api/openapi.json`)).json();
  const api = new ApiClient(running.url, new OpenApiValidator(document));
  const admin = api.withToken(adminToken);
  return {
    url: running.url,
    dbFile,
    adminToken,
    api,
    admin,
    fixtures: new Fixtures(admin),
    running,
    readDb(fn) {
      const db = new BetterSqlite3(dbFile, { readonly: true });
      try {
        return fn(db);
      } finally {
        db.close();
      }
    },
    close: () => running.close(),
  };
}
