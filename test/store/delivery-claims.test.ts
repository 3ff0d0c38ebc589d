import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { CredentialCipher } from '../../src/store/credential-cipher.js';
import { secretOf } from '../../src/store/webhook-store.js';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { KyselyDeliveryQueue } from '../../src/store/delivery-queue.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import type { DueDelivery } from '../../src/webhooks/delivery-queue.js';
import { UNOPENED_SECRET_ERROR, WebhookDeliveryWorker } from '../../src/webhooks/delivery-worker.js';
import { expectSignedDelivery, Receiver } from '../webhooks/receiver.js';
import { createTestDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from './postgres-test-support.js';

/**
 * Claims of the webhook outbox by several workers, each on its own connection (SQLite) or pool
 * (PostgreSQL) as separate instances would be: every due delivery is claimed by exactly one of
 * them, a lease holds until it passes, and what the worker declines is not leased.
 */

const pgSkip = await skipWithoutPostgres('webhook delivery claims on PostgreSQL');

const WORKERS = 3;
const ENDPOINTS = 3;
const EVENTS = 100;
const TOTAL = ENDPOINTS * EVENTS;
const SECRET = 'whsec_' + randomBytes(24).toString('base64');
const LEASE_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe.each([
  { dialect: 'sqlite' as const, skip: false },
  { dialect: 'postgres' as const, skip: pgSkip },
])('webhook delivery claims on $dialect', ({ dialect, skip }) => {
  const cipher = new CredentialCipher(randomBytes(32));
  let config: DatabaseConfig;
  let dropDatabase: () => Promise<void> = async () => {};
  /** Arranges and inspects rows; the workers' queues have handles of their own. */
  let setup: OpenDatabase;
  const handles: OpenDatabase[] = [];
  let queues: KyselyDeliveryQueue[] = [];
  let endpointIds: number[] = [];
  let eventIds: string[] = [];
  let base: number;

  beforeAll(async () => {
    if (skip) return;
    ({ config, drop: dropDatabase } = await createTestDatabase(dialect));
    setup = openDatabase(config);
    await migrateToLatest(setup.db, dialect);
    const now = Math.floor(Date.now() / 1000);
    const user = await setup.db
      .insertInto('users').values({ username: 'seller', role: 'seller', created_at: now }).returning('id').executeTakeFirstOrThrow();
    endpointIds = [];
    for (let i = 0; i < ENDPOINTS; i++) {
      const endpoint = await setup.db
        .insertInto('webhook_endpoints')
        .values({
          user_id: user.id, url: `http://127.0.0.1:9/hook-${i}`, description: null, events: '["order.message.created"]',
          secret: '', previous_secret: null, previous_secret_expires_at: null,
          disabled_at: null, disabled_reason: null, deleted_at: null, created_at: now, updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // A sealed secret opens only in its own row: sealed once the row has its id.
      await setup.db.updateTable('webhook_endpoints').set({ secret: cipher.encrypt(SECRET, secretOf(endpoint.id)) }).where('id', '=', endpoint.id).execute();
      endpointIds.push(endpoint.id);
    }
    eventIds = Array.from({ length: EVENTS }, (_, i) => `evt_${String(i).padStart(26, '0')}`);
    await setup.db
      .insertInto('webhook_events')
      .values(eventIds.map((id, i) => ({
        id, topic: 'order.message.created', user_id: user.id, payload: JSON.stringify({ event: 'order.message.created', payload: { n: i } }), created_at: now,
      })))
      .execute();
    for (let i = 0; i < WORKERS; i++) {
      const handle = openDatabase(config);
      handles.push(handle);
      queues.push(new KyselyDeliveryQueue(handle.db, cipher, dialect));
    }
  });

  afterAll(async () => {
    for (const handle of handles.splice(0)) await handle.close();
    queues = [];
    await setup?.close();
    await dropDatabase();
  });

  beforeEach(async () => {
    if (skip) return;
    await setup.db.deleteFrom('webhook_attempts').execute();
    await setup.db.deleteFrom('webhook_deliveries').execute();
    base = Date.now();
  });

  /** `count` pending deliveries due at `base`, spread over the endpoints; their ids, in order. */
  async function enqueue(count: number): Promise<number[]> {
    const rows = Array.from({ length: count }, (_, i) => ({
      event_id: eventIds[Math.floor(i / ENDPOINTS) % EVENTS]!, endpoint_id: endpointIds[i % ENDPOINTS]!, state: 'pending', attempts: 0,
      next_attempt_at_ms: base, lease_until_ms: null, created_at: Math.floor(base / 1000), finished_at: null,
    }));
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += 100) {
      const inserted = await setup.db.insertInto('webhook_deliveries').values(rows.slice(i, i + 100)).returning('id').execute();
      ids.push(...inserted.map((r) => r.id));
    }
    return ids;
  }

  const ids = (deliveries: DueDelivery[]) => deliveries.map((d) => d.id);
  const all = () => () => true;

  it.skipIf(skip)(`${WORKERS} workers claiming concurrently in a loop take ${TOTAL} deliveries between them, each exactly once`, async () => {
    const enqueued = await enqueue(TOTAL);
    const now = base + 1;
    const claimedBy: number[][] = queues.map(() => []);
    let claimed = 0;
    let lost = 0;
    const deadline = Date.now() + 20_000;
    await Promise.all(queues.map(async (queue, worker) => {
      while (claimed < TOTAL) {
        if (Date.now() > deadline) throw new Error(`only ${claimed} of ${TOTAL} claimed in 20 s`);
        const accepted = new Set<number>();
        const got = await queue.claim(now, now + LEASE_MS, 8, (d) => {
          // Decline some, as a worker at its per-endpoint cap would: they stay claimable.
          if (Math.random() < 0.2) return false;
          accepted.add(d.id);
          return true;
        });
        for (const d of got) expect(accepted.has(d.id), `delivery ${d.id} was returned without being accepted`).toBe(true);
        lost += accepted.size - got.length;
        claimedBy[worker]!.push(...ids(got));
        claimed += got.length;
        // Workers poll independently: a random pause keeps them out of lockstep.
        await sleep(Math.random() < 0.5 ? 0 : 1);
      }
    }));

    const flat = claimedBy.flat();
    expect(flat.length, 'no delivery claimed twice').toBe(new Set(flat).size);
    expect([...flat].sort((a, b) => a - b), 'every delivery claimed').toEqual(enqueued);
    claimedBy.forEach((got, worker) => expect(got.length, `worker ${worker} claimed some`).toBeGreaterThan(0));
    // Nothing left: all leased, and a further claim by anyone finds nothing.
    for (const queue of queues) expect(await queue.claim(now, now + LEASE_MS, 50, all())).toEqual([]);
    const leases = await setup.db.selectFrom('webhook_deliveries').select(['lease_until_ms']).distinct().execute();
    expect(leases).toEqual([{ lease_until_ms: now + LEASE_MS }]);
    // On SQLite workers race for the same rows and the conditional update settles it (lost > 0
    // is usual); on PostgreSQL SKIP LOCKED hands them disjoint rows to begin with.
    if (dialect === 'postgres') expect(lost, 'accepted but lost to another worker').toBe(0);
  });

  it.skipIf(skip)('returns each delivery as the worker sends it: the event body, the URL and the opened secret', async () => {
    const [id] = await enqueue(1);
    const [delivery] = await queues[0]!.claim(base, base + LEASE_MS, 10, all());
    expect(delivery).toEqual({
      id, eventId: eventIds[0], topic: 'order.message.created', body: JSON.stringify({ event: 'order.message.created', payload: { n: 0 } }),
      endpointId: endpointIds[0], url: 'http://127.0.0.1:9/hook-0', secrets: [SECRET], attempts: 0, leaseUntilMs: base + LEASE_MS,
    });
  });

  it.skipIf(skip)('an attempt that outlived its lease is logged, but the outcome of the worker holding the delivery now stands', async () => {
    const [id] = await enqueue(1);
    const [a, b] = queues as [KyselyDeliveryQueue, KyselyDeliveryQueue];
    const [late] = await a.claim(base, base + 1000, 10, all());
    // A's attempt is slow; its lease runs out and B takes the delivery.
    const [current] = await b.claim(base + 1001, base + 2001, 10, all());
    expect(current!.id).toBe(id);
    const log = (attempt: number, at: number, statusCode: number) => ({ attempt, attemptedAtMs: at, statusCode, durationMs: 5, error: null });

    // B's attempt fails for good first; A's late success must not overwrite that.
    expect(await b.settle(current!, log(1, base + 1001, 500), { kind: 'failed' })).toBe(true);
    expect(await a.settle(late!, log(1, base + 10, 200), { kind: 'succeeded' })).toBe(false);
    const row = await setup.db.selectFrom('webhook_deliveries').select(['state', 'lease_until_ms']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'failed', lease_until_ms: null });
    // Both attempts are in the log: they did reach the receiver.
    const attempts = await setup.db.selectFrom('webhook_attempts').select('status_code').where('delivery_id', '=', id!).orderBy('id').execute();
    expect(attempts.map((r) => r.status_code)).toEqual([500, 200]);

    // A late "gone" does not disable the endpoint either.
    const [again] = await enqueue(1);
    const [stale] = await a.claim(base, base + 1000, 10, (d) => d.id === again);
    await b.claim(base + 1001, base + 2001, 10, (d) => d.id === again);
    expect(await a.settle(stale!, log(1, base + 10, 410), { kind: 'gone' })).toBe(false);
    const endpoint = await setup.db.selectFrom('webhook_endpoints').select('disabled_at').where('id', '=', stale!.endpointId).executeTakeFirstOrThrow();
    expect(endpoint.disabled_at).toBeNull();
  });

  it.skipIf(skip)('a lease holds until it has passed; then another worker claims the delivery (a crashed worker\'s, say)', async () => {
    const [id] = await enqueue(1);
    const [a, b] = queues as [KyselyDeliveryQueue, KyselyDeliveryQueue];
    expect(ids(await a.claim(base, base + 1000, 10, all()))).toEqual([id]);
    expect(await b.claim(base + 500, base + 1500, 10, all()), 'unexpired: not claimable').toEqual([]);
    expect(await a.claim(base + 999, base + 1999, 10, all()), 'not even by its holder').toEqual([]);
    expect(await b.claim(base + 1000, base + 2000, 10, all()), 'the lease runs to its last millisecond').toEqual([]);
    const taken = await b.claim(base + 1001, base + 2001, 10, all());
    expect(ids(taken), 'expired: claimable again').toEqual([id]);
    expect(await a.claim(base + 1500, base + 2500, 10, all()), 'the new lease holds').toEqual([]);

    // Once settled it is done, whatever its lease said.
    await b.settle(taken[0]!, { attempt: 1, attemptedAtMs: base + 1001, statusCode: 200, durationMs: 5, error: null }, { kind: 'succeeded' });
    expect(await a.claim(base + 10_000, base + 11_000, 10, all())).toEqual([]);
  });

  it.skipIf(skip)('a declined delivery is not leased; at most `limit` candidates are offered, oldest first', async () => {
    const enqueued = await enqueue(5);
    const [a, b] = queues as [KyselyDeliveryQueue, KyselyDeliveryQueue];
    const offered: number[] = [];
    expect(await a.claim(base, base + LEASE_MS, 3, (d) => (offered.push(d.id), false))).toEqual([]);
    expect(offered).toEqual(enqueued.slice(0, 3));
    const leased = await setup.db.selectFrom('webhook_deliveries').select('id').where('lease_until_ms', 'is not', null).execute();
    expect(leased).toEqual([]);
    expect(ids(await b.claim(base, base + LEASE_MS, 2, all()))).toEqual(enqueued.slice(0, 2));
    expect(ids(await a.claim(base, base + LEASE_MS, 10, (d) => d.id !== enqueued[3]))).toEqual([enqueued[2], enqueued[4]]);
    expect(ids(await b.claim(base, base + LEASE_MS, 10, all()))).toEqual([enqueued[3]]);
  });

  it.skipIf(skip || dialect !== 'postgres')('skips a row another transaction has locked instead of waiting for it (PostgreSQL)', async () => {
    const enqueued = await enqueue(3);
    const holder = new pg.Client({ connectionString: (config as { url: string }).url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from webhook_deliveries where id = $1 for update', [enqueued[0]]);
      const claim = queues[0]!.claim(base, base + LEASE_MS, 10, all());
      const timeout = sleep(3000).then(() => 'blocked' as const);
      const got = await Promise.race([claim, timeout]);
      expect(got, 'the claim waited for the locked row').not.toBe('blocked');
      expect(ids(got as DueDelivery[])).toEqual(enqueued.slice(1));
      await holder.query('commit');
      expect(ids(await queues[1]!.claim(base, base + LEASE_MS, 10, all())), 'free again once the lock is gone').toEqual([enqueued[0]]);
    } finally {
      await holder.end();
    }
  });

  it.skipIf(skip)('prunes old events whose deliveries are all finished, with their deliveries and attempts, in batches', async () => {
    const [a] = queues as [KyselyDeliveryQueue];
    const nowS = Math.floor(base / 1000);
    const day = 86_400;
    const userId = (await setup.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id;
    // Old (40 days) events: finished (succeeded / failed), still pending (retrying), with no delivery; one new finished one.
    const cases = [
      { id: 'evt_old_succeeded', age: 40 * day, state: 'succeeded' as const },
      { id: 'evt_old_failed', age: 40 * day, state: 'failed' as const },
      { id: 'evt_old_pending', age: 40 * day, state: 'pending' as const },
      { id: 'evt_old_test_no_delivery', age: 40 * day, state: null },
      { id: 'evt_new_succeeded', age: day, state: 'succeeded' as const },
    ];
    for (const c of cases) {
      await setup.db.insertInto('webhook_events').values({ id: c.id, topic: 'order.message.created', user_id: userId, payload: '{}', created_at: nowS - c.age }).execute();
      if (c.state === null) continue;
      const delivery = await setup.db
        .insertInto('webhook_deliveries')
        .values({
          event_id: c.id, endpoint_id: endpointIds[0]!, state: c.state, attempts: 1, next_attempt_at_ms: base, lease_until_ms: null,
          created_at: nowS - c.age, finished_at: c.state === 'pending' ? null : nowS - c.age,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await setup.db
        .insertInto('webhook_attempts')
        .values({ delivery_id: delivery.id, endpoint_id: endpointIds[0]!, event_id: c.id, attempt: 1, attempted_at_ms: base, status_code: 500, duration_ms: 1, error: null })
        .execute();
    }
    const cutoff = nowS - 30 * day;
    expect(await a.prune(cutoff, 2), 'a batch is at most `limit` events').toBe(2);
    expect(await a.prune(cutoff, 2)).toBe(1);
    expect(await a.prune(cutoff, 2), 'nothing left to prune').toBe(0);

    const left = (await setup.db.selectFrom('webhook_events').select('id').where('id', 'in', cases.map((c) => c.id)).orderBy('id').execute()).map((r) => r.id);
    expect(left).toEqual(['evt_new_succeeded', 'evt_old_pending']);
    const deliveries = await setup.db.selectFrom('webhook_deliveries').select('event_id').where('event_id', 'in', cases.map((c) => c.id)).orderBy('event_id').execute();
    expect(deliveries.map((d) => d.event_id)).toEqual(['evt_new_succeeded', 'evt_old_pending']);
    const attempts = await setup.db.selectFrom('webhook_attempts').select('event_id').where('event_id', 'in', cases.map((c) => c.id)).orderBy('event_id').execute();
    expect(attempts.map((r) => r.event_id)).toEqual(['evt_new_succeeded', 'evt_old_pending']);
  });
  it.skipIf(skip)('one endpoint whose sealed secret will not open fails only its own deliveries; the claim goes on for the others', async () => {
    const receiver = await Receiver.start();
    const now = Math.floor(base / 1000);
    const userId = (await setup.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id;
    const newEndpoint = async (url: string) => (await setup.db
      .insertInto('webhook_endpoints')
      .values({
        user_id: userId, url, description: null, events: '["order.message.created"]', secret: '', previous_secret: null,
        previous_secret_expires_at: null, disabled_at: null, disabled_reason: null, deleted_at: null, created_at: now, updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()).id;
    const healthyPath = receiver.newPath('healthy');
    const badPath = receiver.newPath('bad');
    const healthy = await newEndpoint(receiver.url(healthyPath));
    const bad = await newEndpoint(receiver.url(badPath));
    try {
      await setup.db.updateTable('webhook_endpoints').set({ secret: cipher.encrypt(SECRET, secretOf(healthy)) }).where('id', '=', healthy).execute();
      // A sealed value moved from another row: well-formed, the right key, but bound to that row.
      const moved = await setup.db.selectFrom('webhook_endpoints').select('secret').where('id', '=', endpointIds[0]!).executeTakeFirstOrThrow();
      await setup.db.updateTable('webhook_endpoints').set({ secret: moved.secret }).where('id', '=', bad).execute();
      // The bad endpoint's delivery is the oldest: first in the claim.
      const [badDelivery, healthyDelivery] = await Promise.all([
        setup.db.insertInto('webhook_deliveries').values({
          event_id: eventIds[0]!, endpoint_id: bad, state: 'pending', attempts: 0, next_attempt_at_ms: base - 1, lease_until_ms: null,
          created_at: now, finished_at: null,
        }).returning('id').executeTakeFirstOrThrow(),
        setup.db.insertInto('webhook_deliveries').values({
          event_id: eventIds[1]!, endpoint_id: healthy, state: 'pending', attempts: 0, next_attempt_at_ms: base, lease_until_ms: null,
          created_at: now, finished_at: null,
        }).returning('id').executeTakeFirstOrThrow(),
      ]).then((rows) => rows.map((r) => r.id));

      const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
      const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
      const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: () => {} } as unknown as FastifyBaseLogger;
      let nowMs = base;
      const clock = { nowMs: () => nowMs, now: () => Math.floor(nowMs / 1000) };
      const worker = new WebhookDeliveryWorker(queues[0]!, {
        env: 'sandbox', timeoutMs: 5000, maxResponseBytes: 65_536, retrySchedule: [10, 60], pollMs: 250, leaseMs: LEASE_MS,
        maxInFlight: 32, maxInFlightPerEndpoint: 2, retentionSeconds: 0, pruneEveryMs: 600_000,
      }, logger, clock);

      await worker.pollOnce();
      await worker.stop(); // waits for the attempts under way

      expect(lines.filter((l) => l.msg.startsWith('webhook poll failed')), 'the claim itself did not fail').toEqual([]);
      // The healthy endpoint got its event, signed with its secret.
      expect(receiver.on(healthyPath)).toHaveLength(1);
      expectSignedDelivery(receiver.on(healthyPath)[0]!, [SECRET], { topic: 'order.message.created' });
      expect(receiver.on(badPath), 'nothing is sent unsigned').toEqual([]);
      const state = async (id: number) => setup.db.selectFrom('webhook_deliveries').select(['state', 'attempts', 'lease_until_ms', 'next_attempt_at_ms']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(await state(healthyDelivery!)).toMatchObject({ state: 'succeeded', attempts: 1 });
      // The bad one: a failed attempt with the reason, retried on the schedule (10 s ± 20 %).
      const afterFirst = await state(badDelivery!);
      expect(afterFirst).toMatchObject({ state: 'pending', attempts: 1, lease_until_ms: null });
      expect(Number(afterFirst.next_attempt_at_ms)).toBeGreaterThanOrEqual(base + 8000);
      expect(Number(afterFirst.next_attempt_at_ms)).toBeLessThanOrEqual(base + 12_000);
      const attempts = await setup.db.selectFrom('webhook_attempts').select(['attempt', 'status_code', 'error']).where('delivery_id', '=', badDelivery!).orderBy('id').execute();
      expect(attempts).toEqual([{ attempt: 1, status_code: null, error: UNOPENED_SECRET_ERROR }]);
      const endpoint = await setup.db.selectFrom('webhook_endpoints').select(['disabled_at']).where('id', '=', bad).executeTakeFirstOrThrow();
      expect(endpoint.disabled_at, 'the endpoint stays enabled').toBeNull();
      const logged = lines.filter((l) => l.msg.includes(UNOPENED_SECRET_ERROR));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ level: 'error', fields: { endpoint: bad } });

      // The retry fails the same way, and is not logged again; after the last one it is failed for good.
      nowMs = base + 13_000;
      await worker.pollOnce();
      await worker.stop();
      expect(await state(badDelivery!)).toMatchObject({ state: 'pending', attempts: 2 });
      nowMs = base + 13_000 + 73_000;
      await worker.pollOnce();
      await worker.stop();
      expect(await state(badDelivery!)).toMatchObject({ state: 'failed', attempts: 3 });
      expect(lines.filter((l) => l.msg.includes(UNOPENED_SECRET_ERROR)), 'logged once for the endpoint').toHaveLength(1);
      expect(receiver.on(badPath)).toEqual([]);
    } finally {
      await receiver.close();
      await setup.db.updateTable('webhook_endpoints').set({ deleted_at: now }).where('id', 'in', [healthy, bad]).execute();
    }
  });
});
