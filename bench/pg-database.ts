import { pgUrlFor, withAdminClient } from '../test/support/pg-admin.js';

/**
 * The PostgreSQL scenarios run on the server the `postgres` test project uses (127.0.0.1:5432,
 * or PARLEY_TEST_PG_URL), with its settings as they are (synchronous_commit included).
 */
export interface BenchPgDatabase {
  url: string;
  /** One number from a query on the database (a count). */
  count(text: string): Promise<number>;
  /** The server processes of the connections to this database now (other databases' work is not counted). */
  backends(): Promise<number[]>;
  /** Ends its connections and drops it. */
  drop(): Promise<void>;
}

/** A fresh, empty database for one scenario; Parley migrates it when it starts. */
export async function createBenchPgDatabase(tag: string): Promise<BenchPgDatabase> {
  const name = `parley_bench_${tag.replace(/[^a-z0-9]/gi, '_')}_${process.pid}`;
  await withAdminClient(async (client) => {
    await client.query(`drop database if exists "${name}"`);
    await client.query(`create database "${name}"`);
  });
  const url = pgUrlFor(name);
  return {
    url,
    count: async (text) => {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return Number(Object.values((await client.query(text)).rows[0] as object)[0]);
      } finally {
        await client.end();
      }
    },
    backends: () => withAdminClient(async (client) =>
      (await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name])).rows.map((r) => Number(r.pid))),
    drop: () => withAdminClient(async (client) => {
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await client.query(`drop database if exists "${name}"`);
    }),
  };
}
