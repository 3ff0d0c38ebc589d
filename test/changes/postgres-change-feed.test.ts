import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Change } from '../../src/changes/change-feed.js';
import { PostgresChangeFeed, type PostgresChangeFeedOptions } from '../../src/changes/postgres-change-feed.js';
import { pgUrlFor, TEST_PG_ADMIN_URL } from '../support/pg-admin.js';
import { describeChangeFeedContract } from './change-feed-contract.js';
import { deadPort, messageCreated, record, settle, skipWithoutPostgres, uniqueChannel, waitForCount } from './change-feed-support.js';

const SUITE = 'PostgresChangeFeed';
const skip = await skipWithoutPostgres(SUITE);

/** Listens in the maintenance database: LISTEN/NOTIFY needs no table, and each test has its own channel. */
const start = (options: Partial<PostgresChangeFeedOptions> & { channel: string }) =>
  PostgresChangeFeed.start({ connectionString: TEST_PG_ADMIN_URL, reconnectMinDelayMs: 20, ...options });

/** A plain connection standing for an operator or another program. */
async function rawClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describeChangeFeedContract({
  name: SUITE,
  skip,
  hasChannel: true,
  async open(onError) {
    const channel = uniqueChannel('pg');
    const [a, b] = await Promise.all([start({ channel, onError }), start({ channel, onError })]);
    return {
      a,
      b,
      async publishRaw(payload) {
        const client = await rawClient();
        try {
          await client.query(payload === '' ? `NOTIFY ${channel}` : `NOTIFY ${channel}, ${client.escapeLiteral(payload)}`);
        } finally {
          await client.end();
        }
      },
    };
  },
});

describe.skipIf(skip)(SUITE, () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = await rawClient();
  });
  afterAll(async () => {
    await admin?.end();
  });

  async function backendsOf(pids: number[]): Promise<number[]> {
    const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where pid = any($1::int[])', [pids]);
    return rows.map((r) => r.pid);
  }

  it('after its listening connection is killed, reconnects, listens again, tells its own listeners to resync, and delivers what follows', async () => {
    const channel = uniqueChannel('pg_reconnect');
    const errorsOfB: Error[] = [];
    const a = await start({ channel });
    const b = await start({ channel, onError: (error) => errorsOfB.push(error) });
    try {
      const onA = record(a);
      const onB = record(b);
      await a.publish(messageCreated(1));
      await waitForCount([onA, onB], 1);

      const killed = b.listenerPid!;
      expect(killed).toBeGreaterThan(0);
      const { rows } = await admin.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [killed]);
      expect(rows[0]!.ok).toBe(true);

      await waitForCount([onB], 2);
      expect(onB.changes[1]).toEqual({ type: 'resync' });
      expect(b.listenerPid).not.toBe(killed);
      expect(errorsOfB.map((e) => e.message)).toEqual([expect.stringMatching(/^PostgreSQL change feed: lost the listening connection to 127\.0\.0\.1:5432\/postgres \(.+\); reconnecting$/)]);

      await a.publish(messageCreated(2));
      await b.publish(messageCreated(3));
      await waitForCount([onA], 3);
      await waitForCount([onB], 4);
      await settle();
      expect(onA.changes).toEqual([messageCreated(1), messageCreated(2), messageCreated(3)]); // no resync: A lost nothing
      expect(onB.changes).toEqual([messageCreated(1), { type: 'resync' }, messageCreated(2), messageCreated(3)]);
      await vi.waitFor(async () => expect(await backendsOf([killed])).toEqual([]), { timeout: 5_000, interval: 20 }); // pg_terminate_backend only signals
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps retrying while the listening connection cannot come back, then resyncs once', async () => {
    const channel = uniqueChannel('pg_retry');
    // A role that may log in only while this test allows it.
    const role = uniqueChannel('role');
    await admin.query(`create role ${role} login`);
    const errors: Error[] = [];
    let feed: PostgresChangeFeed | null = null;
    try {
      const url = new URL(TEST_PG_ADMIN_URL);
      url.username = role;
      feed = await PostgresChangeFeed.start({
        connectionString: url.toString(),
        channel,
        reconnectMinDelayMs: 10,
        reconnectMaxDelayMs: 40,
        onError: (error) => errors.push(error),
      });
      const heard: Change[] = [];
      feed.subscribe((change) => heard.push(change));
      await admin.query(`alter role ${role} nologin`);
      await admin.query('select pg_terminate_backend($1)', [feed.listenerPid]);
      await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(4), { timeout: 5_000, interval: 5 });
      expect(feed.listenerPid).toBeNull();
      expect(errors.slice(1).every((e) => /reconnecting to .+ failed: .*not permitted to log in/.test(e.message))).toBe(true);
      expect(heard).toEqual([]);

      await admin.query(`alter role ${role} login`);
      await vi.waitFor(() => expect(heard).toHaveLength(1), { timeout: 5_000, interval: 5 });
      await settle();
      expect(heard).toEqual([{ type: 'resync' }]);
      expect(feed.listenerPid).toBeGreaterThan(0);
    } finally {
      await feed?.close();
      await admin.query(`drop role if exists ${role}`);
    }
  });

  it('replaces a listening connection that stops answering (a dead network path) when its heartbeat times out', async () => {
    // A TCP relay to PostgreSQL whose current connections can be silenced without being closed.
    const target = new URL(TEST_PG_ADMIN_URL);
    const relayed: Array<{ client: net.Socket; server: net.Socket }> = [];
    const relay = net.createServer((client) => {
      const server = net.connect(Number(target.port || 5432), target.hostname);
      client.pipe(server);
      server.pipe(client);
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
      relayed.push({ client, server });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const via = new URL(TEST_PG_ADMIN_URL);
    via.hostname = '127.0.0.1';
    via.port = String((relay.address() as net.AddressInfo).port);

    const channel = uniqueChannel('pg_heartbeat');
    const errors: Error[] = [];
    const direct = await start({ channel });
    const relayedFeed = await start({
      connectionString: via.toString(),
      channel,
      heartbeatMs: 50,
      connectTimeoutMs: 300,
      onError: (error) => errors.push(error),
    });
    try {
      const heard = record(relayedFeed);
      for (const { client, server } of relayed) {
        client.unpipe(server);
        server.unpipe(client);
      }
      await waitForCount([heard], 1);
      expect(heard.changes).toEqual([{ type: 'resync' }]);
      expect(errors[0]?.message).toMatch(/lost the listening connection .*\(heartbeat failed: no answer within 300 ms\); reconnecting$/);
      await direct.publish(messageCreated(1));
      await waitForCount([heard], 2);
      expect(heard.changes[1]).toEqual(messageCreated(1));
    } finally {
      await Promise.all([direct.close(), relayedFeed.close()]);
      for (const { client, server } of relayed) {
        client.destroy();
        server.destroy();
      }
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it('listens on a connection of its own, which close() ends', async () => {
    const channel = uniqueChannel('pg_close');
    const feed = await start({ channel });
    const heard = record(feed);
    await feed.publish(messageCreated(1));
    await waitForCount([heard], 1);
    const listener = feed.listenerPid!;
    expect(await backendsOf([listener])).toEqual([listener]);
    await feed.close();
    expect(feed.listenerPid).toBeNull();
    await vi.waitFor(async () => expect(await backendsOf([listener])).toEqual([]), { timeout: 2_000, interval: 20 });
  });

  it('publishes through a query function it is given (say the application pool), leaving it open', async () => {
    const channel = uniqueChannel('pg_query');
    const pool = new pg.Pool({ connectionString: TEST_PG_ADMIN_URL, max: 2 });
    try {
      const statements: string[] = [];
      const feed = await start({
        channel,
        query: (text, values) => {
          statements.push(text);
          return pool.query(text, values);
        },
      });
      const heard = record(feed);
      await feed.publish(messageCreated(1));
      await waitForCount([heard], 1);
      await feed.close();
      expect(statements).toEqual(['select pg_notify($1, $2)']);
      expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('fails at start, with the database but not the password, when PostgreSQL does not answer or refuses', async () => {
    const port = await deadPort();
    const started = Date.now();
    await expect(
      PostgresChangeFeed.start({ connectionString: `postgres://parley:s3cret@127.0.0.1:${port}/parley`, channel: 'parley_changes' }),
    ).rejects.toThrow(new RegExp(`^PostgreSQL change feed: cannot listen on 127\\.0\\.0\\.1:${port}/parley: .*ECONNREFUSED`));
    expect(Date.now() - started).toBeLessThan(2_000);

    const missing = uniqueChannel('no_such_db');
    const failure = await PostgresChangeFeed.start({ connectionString: pgUrlFor(missing).replace('postgres@', 'postgres:s3cret@'), channel: 'x' }).catch(
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain(`does not exist`);
    expect((failure as Error).message).not.toContain('s3cret');
  });

  it('refuses a channel name LISTEN would fold or cut', async () => {
    for (const channel of ['Parley', 'parley-changes', '', 'x'.repeat(64), '1abc']) {
      await expect(start({ channel })).rejects.toThrow(/channel must be lower-case letters, digits and _/);
    }
  });
});
