import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.js';
import { Fixtures, type OrderScenario } from '../support/fixtures.js';
import { createTestPgDatabase } from '../support/test-db.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';
import { forgetNamespace, rawRedis, skipWithoutRedis, TEST_REDIS_URL, uniqueNamespace } from '../rate-limit/redis-test-support.js';
import { skipWithoutPostgres } from '../store/postgres-test-support.js';
import { expectSharedChatLimit, messagesPath, type Instance } from './shared-chat-limit.js';
import { expectSignedDelivery, Receiver, sleep, waitFor, type ReceivedRequest } from '../webhooks/receiver.js';

/**
 * Two `parley serve` processes, A and B, started at the same moment on one fresh PostgreSQL
 * database and one Redis namespace, as two instances behind a load balancer would run.
 */

const SUITE = 'two Parley processes on one PostgreSQL database and one Redis';
const skip = (await skipWithoutPostgres(SUITE)) || (await skipWithoutRedis(SUITE));

const LIMIT = 4;
/** Orders whose threads carry the webhook traffic; each sends LIMIT messages per party. */
const WEBHOOK_ORDERS = 5;
const WEBHOOK_MESSAGES = WEBHOOK_ORDERS * 2 * LIMIT;

describe.skipIf(skip)(SUITE, () => {
  const namespace = uniqueNamespace('pg-multi');
  let database: Awaited<ReturnType<typeof createTestPgDatabase>> | null = null;
  let receiver: Receiver;
  const processes: Partial<Record<Instance, ServerProcess>> = {};
  const instances = {} as Record<Instance, ApiClient>;
  const admin = {} as Record<Instance, ApiClient>;
  let adminToken: string;

  /** A plain connection to the shared database, for assertions. */
  async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    receiver = await Receiver.start();
    database = await createTestPgDatabase();
    const env = {
      DATABASE_URL: database.url,
      PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      // No configured admin token and the demo seed on: the first start mints keys and prints
      // them once, so the output shows which instance bootstrapped the database.
      PARLEY_ADMIN_TOKEN: '',
      PARLEY_SEED_DEMO: 'true',
      REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_NAMESPACE: namespace,
      PARLEY_RATE_LIMIT_READS: '1000',
      PARLEY_RATE_LIMIT_WRITES: '500',
      PARLEY_RATE_LIMIT_CHAT: String(LIMIT),
      PARLEY_WEBHOOK_POLL_MS: '20',
      // Far longer than any test here: a revoked key refused by the other instance was told of it.
      PARLEY_AUTH_CACHE_SECONDS: '300',
      // Each worker logs its attempts ('webhook attempt', with the event id) at debug.
      LOG_LEVEL: 'debug',
    };
    // Both at once: migrations and the first-start bootstrap must each happen once.
    const [a, b] = await Promise.allSettled([spawnParley(env), spawnParley(env)]);
    if (a.status === 'fulfilled') processes.A = a.value;
    if (b.status === 'fulfilled') processes.B = b.value;
    for (const result of [a, b]) if (result.status === 'rejected') throw result.reason;
    expect(processes.A!.url).not.toBe(processes.B!.url);

    const printed = (['A', 'B'] as const).map((on) => /Admin key \(shown once, keep it\): (\S+)/.exec(processes[on]!.output())?.[1]);
    adminToken = printed.find((t) => t !== undefined) ?? '';
    for (const on of ['A', 'B'] as const) {
      instances[on] = await clientFor(processes[on]!.url);
      admin[on] = instances[on].withToken(adminToken);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(Object.values(processes).map((p) => p.kill()));
    await receiver?.close();
    await database?.drop();
    await forgetNamespace(namespace);
  });

  it('both started together on the empty database: it was migrated and bootstrapped once, by one of them', async () => {
    const outputs = [processes.A!.output(), processes.B!.output()];
    const first = outputs.filter((o) => o.includes('Admin key (shown once, keep it):'));
    const existing = outputs.filter((o) => o.includes('Existing database: keys were printed on its first start.'));
    expect(first, 'one instance bootstrapped the database and printed the keys').toHaveLength(1);
    expect(existing, 'the other waited, then found it bootstrapped').toHaveLength(1);
    expect(first[0]).toContain('Demo seller key (shown once):');

    // One admin and the two demo users, their three keys, and one demo seed's orders.
    expect(await query('select role, count(*)::int as n from users group by role order by role')).toEqual([
      { role: 'admin', n: 1 }, { role: 'buyer', n: 1 }, { role: 'seller', n: 1 },
    ]);
    expect(await query('select count(*)::int as n from api_keys')).toEqual([{ n: 3 }]);
    expect(await query('select kind, count(*)::int as n from orders group by kind order by kind')).toEqual([
      { kind: 'account', n: 4 }, { kind: 'currency', n: 1 }, { kind: 'item', n: 1 },
    ]);
    // One listed demo offer of each kind, each with the one order the demo buyer purchased from it
    // (the account offer's oldest credential sold to it, three left).
    expect(await query(`select o.kind, o.status, count(oo.order_id)::int as orders
      from (select 'account' as kind, id, status from account_offers union all select kind, id, status from item_currency_offers) o
      left join offer_orders oo on oo.offer_kind = o.kind and oo.offer_id = o.id
      group by o.kind, o.status order by o.kind`)).toEqual([
      { kind: 'account', status: 'listed', orders: 1 },
      { kind: 'currency', status: 'listed', orders: 1 },
      { kind: 'item', status: 'listed', orders: 1 },
    ]);
    expect(await query('select is_sold::int as is_sold, (account_order_id is not null) as linked, count(*)::int as n from account_offer_credentials group by 1, 2 order by 1, 2')).toEqual([
      { is_sold: 0, linked: false, n: 3 }, { is_sold: 1, linked: true, n: 1 },
    ]);

    // The keys printed by one instance work on both.
    const sellerKey = /Demo seller key \(shown once\): (\S+)/.exec(first[0]!)![1]!;
    for (const on of ['A', 'B'] as const) {
      const res = await instances[on].get('/v2/account-orders', { token: sellerKey });
      expect(res.status, `demo seller key via ${on}: ${res.text}`).toBe(200);
      expect(res.body.data, `demo orders via ${on}`).toHaveLength(4);
    }
  });

  const send = (on: Instance, scenario: OrderScenario, text: string, as: 'seller' | 'buyer') =>
    instances[on].post(messagesPath(scenario.order), { message: text }, { token: scenario[as].token });

  describe.each([
    { first: 'A', second: 'B' },
    { first: 'B', second: 'A' },
  ] as const)('the chat limit is global, sends alternating from $first', ({ first, second }) => {
    it(`${LIMIT} sends count down one window across both instances, then the next gets 429 on either`, async () => {
      await expectSharedChatLimit(instances, await new Fixtures(admin[first]).scenario('pending'), first, second, LIMIT);
    });
  });

  it('a message sent through A is listed through B, and one sent through B through A', async () => {
    // Created through B this time: admin writes are shared too.
    const scenario = await new Fixtures(admin.B).scenario('pending');
    const viaA = await send('A', scenario, 'hello from the seller, via A', 'seller');
    expect(viaA.status, viaA.text).toBe(200);
    const onB = await instances.B.get(messagesPath(scenario.order), { token: scenario.buyer.token });
    expect(onB.status, onB.text).toBe(200);
    expect(onB.body.data.at(-1)).toEqual(viaA.body.data);

    const viaB = await send('B', scenario, 'hello from the buyer, via B', 'buyer');
    expect(viaB.status, viaB.text).toBe(200);
    const onA = await instances.A.get(messagesPath(scenario.order), { token: scenario.seller.token });
    expect(onA.status, onA.text).toBe(200);
    expect(onA.body.data.slice(-2)).toEqual([viaA.body.data, viaB.body.data]);
  });

  it('a key revoked through A is refused by B at once, though B had it cached', async () => {
    const scenario = await new Fixtures(admin.A).scenario('pending');
    const path = `/v2/account-orders/${scenario.order.id}`;
    // B resolves the key and caches it (for 300 s).
    expect((await instances.B.get(path, { token: scenario.seller.token })).status).toBe(200);
    expect((await instances.B.get(path, { token: scenario.seller.token })).status).toBe(200);
    const revoked = await admin.A.delete(`/admin/v1/api-keys/${scenario.seller.keyId}`);
    expect(revoked.status, revoked.text).toBe(204);
    // The notification crosses Redis asynchronously: B must refuse the key within moments, not
    // after its cache TTL.
    const started = Date.now();
    let status = 200;
    while (Date.now() - started < 3_000) {
      status = (await instances.B.get(path, { token: scenario.seller.token })).status;
      if (status === 401) break;
      await sleep(20);
    }
    expect(status, 'B refuses the revoked key').toBe(401);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await instances.A.get(path, { token: scenario.seller.token })).status).toBe(401);
  });

  it('committed messages and status moves are announced on the shared change channel', async () => {
    const raw = await rawRedis();
    const subscriber = raw.duplicate();
    await subscriber.connect();
    const heard: Record<string, unknown>[] = [];
    await subscriber.subscribe(`parley:${namespace}:changes`, (message) => heard.push(JSON.parse(message) as Record<string, unknown>));
    try {
      const scenario = await new Fixtures(admin.B).scenario('pending');
      const viaA = await send('A', scenario, 'announced via A', 'seller');
      const viaB = await send('B', scenario, 'announced via B', 'buyer');
      expect([viaA.status, viaB.status]).toEqual([200, 200]);
      const moved = await admin.A.patch(`/admin/v1/account-orders/${scenario.order.id}`, { status: 'delivered' });
      expect(moved.status, moved.text).toBe(200);
      // A refused send (the order is closed now) announces nothing.
      expect((await send('B', scenario, 'too late', 'seller')).status).toBe(403);

      const about = () => heard.filter((c) => c.orderId === scenario.order.id);
      // The move also appends a system message to the thread, in the same transaction.
      const thread = await instances.B.get(messagesPath(scenario.order), { token: scenario.buyer.token });
      const systemMessage = (thread.body.data as Array<{ id: string; type: string }>).at(-1)!;
      expect(systemMessage.type).not.toBe('user_message');
      await waitFor(() => about().length >= 4, 5_000);
      await sleep(200);
      expect(about()).toEqual([
        { type: 'order.message.created', orderId: scenario.order.id, kind: 'account', messageId: viaA.body.data.id },
        { type: 'order.message.created', orderId: scenario.order.id, kind: 'account', messageId: viaB.body.data.id },
        { type: 'order.status.updated', orderId: scenario.order.id, kind: 'account', status: 'delivered' },
        { type: 'order.message.created', orderId: scenario.order.id, kind: 'account', messageId: systemMessage.id },
      ]);
    } finally {
      await subscriber.unsubscribe();
      subscriber.destroy();
      raw.destroy();
    }
  });

  it(`${WEBHOOK_MESSAGES} messages sent through both instances reach the receiver once each while both workers poll the outbox`, async () => {
    // One order per seller, each seller with an endpoint on its own receiver path.
    const threads = await Promise.all(Array.from({ length: WEBHOOK_ORDERS }, async (_, i) => {
      const on: Instance = i % 2 === 0 ? 'A' : 'B';
      const scenario = await new Fixtures(admin[on]).scenario('pending');
      const path = receiver.newPath('pg-multi');
      const created = await admin[on].post(`/admin/v1/users/${scenario.seller.id}/webhook-endpoints`, {
        url: receiver.url(path), events: ['order.message.created'],
      });
      expect(created.status, created.text).toBe(201);
      return { scenario, path, endpointId: created.body.data.id as number, secret: created.body.data.secret as string };
    }));

    // Every send at once: LIMIT per party per order, alternating instances.
    const sent = await Promise.all(threads.flatMap(({ scenario }, t) =>
      Array.from({ length: 2 * LIMIT }, async (_, i) => {
        const on: Instance = (t + i) % 2 === 0 ? 'A' : 'B';
        const res = await send(on, scenario, `webhook ${t}.${i} via ${on}`, i % 2 === 0 ? 'seller' : 'buyer');
        expect(res.status, res.text).toBe(200);
        return { thread: t, message: res.body.data as { id: string } };
      })));
    expect(sent).toHaveLength(WEBHOOK_MESSAGES);

    const paths = new Set(threads.map((t) => t.path));
    const received = () => receiver.requests.filter((r) => paths.has(r.path));
    await waitFor(() => received().length >= WEBHOOK_MESSAGES, 20_000, `${WEBHOOK_MESSAGES} deliveries`);
    // Many polls of both workers later, still nothing more.
    await sleep(1000);
    const requests = received();
    const eventIds = requests.map((r) => r.headers['x-gameboost-event-id'] as string);
    expect(new Set(eventIds).size, 'no event delivered twice').toBe(eventIds.length);
    expect(requests).toHaveLength(WEBHOOK_MESSAGES);

    // Each thread's messages, signed with its endpoint's secret, on its endpoint's path: none missing.
    for (const [t, thread] of threads.entries()) {
      const mine: ReceivedRequest[] = receiver.on(thread.path);
      const payloads = mine.map((r) => expectSignedDelivery(r, [thread.secret], { topic: 'order.message.created' }).payload);
      expect(payloads.map((p) => p.order_id)).toEqual(mine.map(() => thread.scenario.order.id));
      expect(payloads.map((p) => p.message.id).sort()).toEqual(sent.filter((s) => s.thread === t).map((s) => s.message.id).sort());

      // The delivery log, read through either instance: one successful attempt per event.
      const log = await admin[t % 2 === 0 ? 'B' : 'A'].get(`/admin/v1/webhook-endpoints/${thread.endpointId}/deliveries?per_page=100`);
      expect(log.status, log.text).toBe(200);
      expect(log.body.meta.total).toBe(2 * LIMIT);
      expect(log.body.data.map((a: any) => [a.attempt, a.status_code])).toEqual(mine.map(() => [1, 200]));
      expect(log.body.data.map((a: any) => a.event_id).sort()).toEqual(mine.map((r) => r.headers['x-gameboost-event-id']).sort());
    }
    const outbox = await query<{ state: string; attempts: number; n: number }>(
      'select state, attempts::int, count(*)::int as n from webhook_deliveries group by state, attempts');
    expect(outbox).toEqual([{ state: 'succeeded', attempts: 1, n: WEBHOOK_MESSAGES }]);

    // Who sent what, from each worker's debug log: both took part, and never the same event.
    const attemptsBy = (on: Instance) => processes[on]!.output().split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"webhook attempt"'))
      .map((line) => JSON.parse(line).event as string)
      .filter((id) => eventIds.includes(id));
    const [byA, byB] = [attemptsBy('A'), attemptsBy('B')];
    expect([...byA, ...byB].sort(), 'every attempt logged by exactly one worker').toEqual([...eventIds].sort());
    expect(byA.length, `A delivered some (A ${byA.length}, B ${byB.length})`).toBeGreaterThan(0);
    expect(byB.length, `B delivered some (A ${byA.length}, B ${byB.length})`).toBeGreaterThan(0);
  }, 60_000);
});
