import pg from 'pg';

/**
 * The PostgreSQL server the `postgres` test project uses, through its maintenance database.
 * `PARLEY_TEST_PG_URL` overrides it. No vitest import here: vitest.config.ts and the global
 * setup load this file in the main process.
 */
export const TEST_PG_ADMIN_URL = process.env.PARLEY_TEST_PG_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Test databases are named `parley_t_<run id>_<random>`; the run's global teardown drops what is left. */
export const TEST_PG_PREFIX = 'parley_t_';

/** `host:port` of the test server, for messages. */
export function testPgAddress(): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  return `${url.hostname || '127.0.0.1'}:${url.port || '5432'}`;
}

/** The URL of another database on the same server. */
export function pgUrlFor(database: string, base = TEST_PG_ADMIN_URL): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>, timeoutMs = 5000): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Whether the test server accepts a connection (and a query) within `timeoutMs`. */
export async function postgresAnswers(timeoutMs = 3000): Promise<boolean> {
  try {
    await withAdminClient((client) => client.query('select 1'), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

/** Drops databases, ending their connections first (a leaked pool or a killed server would block DROP). */
export async function dropPgDatabases(names: string[]): Promise<void> {
  if (names.length === 0) return;
  await withAdminClient(async (client) => {
    for (const name of names) {
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await client.query(`drop database if exists "${name.replace(/"/g, '""')}"`);
    }
  });
}

/** The databases of one test run (prefix `parley_t_<runId>_`). */
export async function testPgDatabasesOfRun(runId: string): Promise<string[]> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where starts_with(datname, $1)",
      [`${TEST_PG_PREFIX}${runId}_`],
    );
    return rows.map((r) => r.datname);
  });
}
