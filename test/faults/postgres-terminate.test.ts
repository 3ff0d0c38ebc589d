import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.js';
import { OpenApiValidator } from '../support/openapi-validator.js';
import { withAdminClient } from '../support/pg-admin.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';
import { createTestPgDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from '../store/postgres-test-support.js';
import { ChatLoad } from './chat-load.js';

/**
 * A `parley serve` process on a fresh PostgreSQL database while its server-side backends are
 * terminated (`pg_terminate_backend`, what a failover, a restart or a connection-recycling
 * proxy does to it) several times under a load of senders and readers on one thread.
 */

const SUITE = 'PostgreSQL backends terminated under load';
const skip = await skipWithoutPostgres(SUITE);

const ROUNDS = 4;
/** More rounds, until one kills a busy backend: under a loaded machine all may be idle at the instant. */
const MAX_ROUNDS = 20;
const SENDERS = 4;
const READERS = 2;

describe.skipIf(skip)(SUITE, () => {
  let database: Awaited<ReturnType<typeof createTestPgDatabase>> | null = null;
  let server: ServerProcess | null = null;
  let load: ChatLoad;
  let threadPath: string;
  let sellerToken: string;
  let stderr = '';

  beforeAll(async () => {
    database = await createTestPgDatabase();
    const adminToken = `fault-admin-${randomBytes(16).toString('hex')}`;
    server = await spawnParley({
      DATABASE_URL: database.url,
      PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PARLEY_ADMIN_TOKEN: adminToken,
      PARLEY_SEED_DEMO: 'false',
      PARLEY_RATE_LIMIT_READS: '0',
      PARLEY_RATE_LIMIT_WRITES: '0',
      PARLEY_RATE_LIMIT_CHAT: '0',
      // Each request reads its key again: the outage reaches authentication too.
      PARLEY_AUTH_CACHE_SECONDS: '0',
    });
    server.child.stderr!.on('data', (chunk) => (stderr += chunk));
    const api = await clientFor(server.url);
    const { seller, buyer, order } = await new Fixtures(api.withToken(adminToken)).scenario('pending');
    const document = await (await fetch(`${server.url}/api/openapi.json`)).json();
    threadPath = `/v2/account-orders/${order.id}/messages`;
    sellerToken = seller.token;
    load = new ChatLoad({ url: server.url, validator: new OpenApiValidator(document), path: threadPath, tokens: [seller.token, buyer.token] });
  }, 60_000);

  afterAll(async () => {
    await load?.stop();
    await server?.kill();
    await database?.drop();
  }, 30_000);

  /** Terminates every backend of the test database; answers how many were busy (not idle). */
  async function terminateBackends(): Promise<{ killed: number; busy: number }> {
    return withAdminClient(async (client) => {
      const { rows } = await client.query<{ state: string | null; killed: boolean }>(
        'select state, pg_terminate_backend(pid) as killed from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database!.name],
      );
      return { killed: rows.filter((r) => r.killed).length, busy: rows.filter((r) => r.killed && r.state !== 'idle').length };
    });
  }

  /** `step`, failing at once (with the server's output) if the process exits meanwhile. */
  function whileAlive<T>(step: Promise<T>): Promise<T> {
    const child = server!.child;
    let onExit: () => void = () => undefined;
    const died = new Promise<never>((_, reject) => {
      onExit = () => reject(new Error(`parley exited (${child.exitCode ?? child.signalCode}):\n${stderr}\n${server!.output()}`));
      if (child.exitCode !== null || child.signalCode !== null) onExit();
      else child.once('exit', onExit);
    });
    return Promise.race([step, died]).finally(() => child.off('exit', onExit));
  }

  it('keeps the process up, answers 503 with Retry-After for what failed, recovers, and loses nothing acknowledged', async () => {
    load.start(SENDERS, READERS);
    let busyKilled = 0;
    for (let round = 1; round <= ROUNDS || (busyKilled === 0 && round <= MAX_ROUNDS); round++) {
      // Each round starts once the load is flowing again after the previous one.
      await whileAlive(load.moreSuccesses(20, 20_000, `before termination ${round}`));
      const { killed, busy } = await terminateBackends();
      expect(killed, `round ${round}: backends terminated`).toBeGreaterThan(0);
      busyKilled += busy;
    }
    // Recovers by itself: requests succeed again without anything restarted.
    await whileAlive(load.moreSuccesses(20, 20_000, 'after the last termination'));
    await load.stop();

    expect(server!.child.exitCode, server!.output()).toBeNull();
    expect(server!.child.signalCode).toBeNull();
    expect(busyKilled, 'backends killed while running a query or a transaction').toBeGreaterThan(0);
    load.expectOnly503s();
    expect(load.lostOnRead, 'acknowledged messages missing from a later read').toEqual([]);

    // Every acknowledged message is in the thread afterwards.
    const thread = await fetch(`${server!.url}${threadPath}`, {
      headers: { authorization: `Bearer ${sellerToken}` },
      signal: AbortSignal.timeout(15_000),
    });
    expect(thread.status).toBe(200);
    const stored = new Set(((await thread.json()) as { data: { text: string }[] }).data.map((m) => m.text));
    const missing = [...load.acknowledged].filter((text) => !stored.has(text));
    expect(missing).toEqual([]);
    expect(load.acknowledged.size).toBeGreaterThan(0);
    console.info(`[${SUITE}] ${load.acknowledged.size} sends acknowledged, ${load.successes} successful requests, ${load.failures.length} answered 503, ${busyKilled} busy backends terminated`);
  }, 120_000);
});
