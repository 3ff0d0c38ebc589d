import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures, type OrderScenario } from '../support/fixtures.js';
import { OpenApiValidator } from '../support/openapi-validator.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';
import { expectServiceUnavailable, requestWithin, type TimedResponse } from './chat-load.js';
import { PrivatePostgres, privatePostgresUnavailable } from './private-postgres.js';

/**
 * A `parley serve` process on a PostgreSQL cluster of the test's own (never the machine's, which
 * other tests use), frozen under it with SIGSTOP: the connections stay open and nothing answers,
 * as with a paused server or a dropped network path. Requests on the pool's open connections
 * answer 503 with a Retry-After once PARLEY_PG_QUERY_TIMEOUT_MS has passed, instead of waiting
 * minutes for TCP keepalive; once the server runs again, requests succeed without Parley being
 * restarted (the timed-out connections were dropped, not handed out again).
 */

const SUITE = 'PostgreSQL stalled under a running Parley';
const unavailable = privatePostgresUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`[${SUITE}] cannot run under CI=true: ${unavailable}`);
if (unavailable) console.warn(`[${SUITE}] SKIPPED: ${unavailable} (under CI=true this suite fails instead)`);

const QUERY_TIMEOUT_MS = 1000;
/**
 * A hang detector, not a speed target: below TCP's minutes, and above the pool's 5 s connect
 * timeout plus the query deadline. The scheduler and the sandbox clock also query during the
 * stall; when they hold the pool's idle connections, a request opens a new one, which waits out
 * the connect timeout before its 503.
 */
const ANSWER_WITHIN_MS = 8000;

describe.skipIf(unavailable !== null)(SUITE, () => {
  let cluster: PrivatePostgres | null = null;
  let server: ServerProcess | null = null;
  let validator: OpenApiValidator;
  let scenario: OrderScenario;
  const thread = () => `/v2/account-orders/${scenario.order.id}/messages`;

  beforeAll(async () => {
    cluster = await PrivatePostgres.create();
    const client = new pg.Client({ connectionString: cluster.url(), connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query('create database parley');
    } finally {
      await client.end();
    }
    const adminToken = `fault-admin-${randomBytes(16).toString('hex')}`;
    server = await spawnParley({
      DATABASE_URL: cluster.url('parley'),
      PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PARLEY_ADMIN_TOKEN: adminToken,
      PARLEY_SEED_DEMO: 'false',
      PARLEY_RATE_LIMIT_READS: '0',
      PARLEY_RATE_LIMIT_WRITES: '0',
      PARLEY_RATE_LIMIT_CHAT: '0',
      PARLEY_PG_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      // No webhook worker polls using up the pool's open connections during the stall.
      PARLEY_WEBHOOK_POLL_MS: '600000',
    });
    const api = await clientFor(server.url);
    scenario = await new Fixtures(api.withToken(adminToken)).scenario('pending');
    validator = new OpenApiValidator(await (await fetch(`${server.url}/api/openapi.json`)).json());
  }, 120_000);

  afterAll(async () => {
    cluster?.resume();
    await server?.kill();
    await cluster?.destroy();
  }, 60_000);

  const send = (message: string) => requestWithin(validator, server!.url, 'POST', thread(), { token: scenario.seller.token, json: { message } });
  const read = () => requestWithin(validator, server!.url, 'GET', thread(), { token: scenario.buyer.token });

  /** The answer and how long it took; no answer within ANSWER_WITHIN_MS fails (the request is aborted). */
  async function timed(request: () => Promise<TimedResponse>): Promise<{ res: TimedResponse; ms: number }> {
    const started = performance.now();
    const res = await request();
    return { res, ms: performance.now() - started };
  }

  it('answers 503 within the query deadline while PostgreSQL is frozen, and serves again once it runs', async () => {
    const before = await send('before the stall');
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    // Several connections open and idle in the pool (and both keys in the auth cache), so that the
    // requests below run their queries on connections whose server stops answering: the case the
    // query deadline covers. (A connection opened during the stall waits the 5 s connect timeout.)
    // Reads, not sends: sends arriving together share one group commit (and one connection).
    const warm = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 5 === 0 ? send(`warm ${i}`) : read())));
    for (const res of warm) expect(res.status, JSON.stringify(res.body)).toBe(200);

    try {
      cluster!.pause();
      const during = [
        ['send', await timed(() => requestWithin(validator, server!.url, 'POST', thread(), { token: scenario.seller.token, json: { message: 'during the stall' }, timeoutMs: ANSWER_WITHIN_MS }))],
        ['thread read', await timed(() => requestWithin(validator, server!.url, 'GET', thread(), { token: scenario.buyer.token, timeoutMs: ANSWER_WITHIN_MS }))],
      ] as const;
      for (const [what, { res, ms }] of during) {
        expectServiceUnavailable(res, what);
        expect(ms, `${what} answered after ${Math.round(ms)} ms`).toBeLessThan(ANSWER_WITHIN_MS);
        // The deadline, not something quicker, answered: the server was really frozen.
        expect(ms, `${what} answered after ${Math.round(ms)} ms`).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 50);
      }
      expect(server!.child.exitCode, server!.output()).toBeNull();
      expect(server!.child.signalCode).toBeNull();
    } finally {
      cluster!.resume();
    }

    // No restart: the timed-out connections were dropped and the idle ones still work.
    const after = await send('after the stall');
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    const reads = await Promise.all(Array.from({ length: 6 }, () => read()));
    for (const res of reads) expect(res.status, JSON.stringify(res.body)).toBe(200);
    const texts = reads[0]!.body.data.map((m: { text: string }) => m.text);
    expect(texts).toContain('before the stall');
    expect(texts).toContain('after the stall');
    expect(texts).not.toContain('during the stall');
  }, 120_000);

  it('survives a second stall the same way (nothing was left broken by the first)', async () => {
    const warm = await Promise.all(Array.from({ length: 4 }, () => read()));
    for (const res of warm) expect(res.status).toBe(200);
    try {
      cluster!.pause();
      const { res, ms } = await timed(() => requestWithin(validator, server!.url, 'POST', thread(), {
        token: scenario.seller.token, json: { message: 'during the second stall' }, timeoutMs: ANSWER_WITHIN_MS,
      }));
      expectServiceUnavailable(res, 'send');
      expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    } finally {
      cluster!.resume();
    }
    const after = await send('after the second stall');
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(server!.child.exitCode, server!.output()).toBeNull();
  }, 120_000);
});
