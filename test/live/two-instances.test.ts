import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, testDialect, type TestParley } from '../support/parley.js';
import { createTestPgDatabase } from '../support/test-db.js';
import type { ApiClient } from '../support/api-client.js';
import { Fixtures } from '../support/fixtures.js';
import { forgetNamespace, skipWithoutRedis, TEST_REDIS_URL, uniqueNamespace } from '../rate-limit/redis-test-support.js';
import { openOk, orderStreamPath, send } from './stream-support.js';

/**
 * Two Parley instances on one PostgreSQL database, their change feed through Redis or through
 * PostgreSQL's LISTEN/NOTIFY: an event committed through either reaches the streams held by
 * both, numbered once for the deployment. (Runs in the postgres project only: it brings its own
 * database.)
 */
const SUITE = 'live streams across two instances';
const skipRedis = await skipWithoutRedis(SUITE);

for (const feed of ['Redis', 'LISTEN/NOTIFY'] as const) {
  describe.skipIf(testDialect() !== 'postgres' || (feed === 'Redis' && skipRedis))(`${SUITE}, change feed over ${feed}`, () => {
    const namespace = uniqueNamespace('live');
    let database: Awaited<ReturnType<typeof createTestPgDatabase>>;
    let a: TestParley;
    let b: TestParley;
    let adminA: ApiClient;
    let fixtures: Fixtures;
    beforeAll(async () => {
      database = await createTestPgDatabase();
      const env = {
        DATABASE_URL: database.url,
        PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        PARLEY_ADMIN_TOKEN: `test-admin-${randomBytes(16).toString('hex')}`,
        ...(feed === 'Redis' ? { REDIS_URL: TEST_REDIS_URL, PARLEY_REDIS_NAMESPACE: namespace } : {}),
      };
      a = await startTestParley(env);
      b = await startTestParley(env);
      // The shared admin token (startTestParley's own clients hold a token of their own making).
      adminA = a.api.withToken(env.PARLEY_ADMIN_TOKEN);
      fixtures = new Fixtures(adminA);
    }, 60_000);
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await database?.drop();
      if (feed === 'Redis') await forgetNamespace(namespace);
    });

    it('a message sent through one instance arrives on streams held by the other, in one numbering', async () => {
      const { seller, buyer, order } = await fixtures.scenario('pending');
      const path = orderStreamPath('/v2/account-orders', order.id);
      const onB = await openOk(b, path, seller.token);
      const onA = await openOk(a, path, buyer.token);
      const eventsOnB = await openOk(b, '/v2/events/stream', seller.token);
      try {
        const sent = await send(a, '/v2/account-orders', order.id, buyer.token, 'sent through A');
        const [arrived] = await onB.take(1, 'message');
        expect(JSON.parse(arrived!.data)).toEqual(sent);

        // Both instances send at once: each stream gets all of them, in the same order, with the same ids.
        const texts = Array.from({ length: 20 }, (_, i) => `burst ${i}`);
        await Promise.all(texts.map((text, i) => send(i % 2 ? a : b, '/v2/account-orders', order.id, i % 3 ? seller.token : buyer.token, text)));
        const all = 1 + texts.length;
        const [fromB, fromA, fromEvents] = await Promise.all([onB.take(all, 'message'), onA.take(all, 'message'), eventsOnB.take(all)]);
        const ids = fromB.map((e) => Number(e.id));
        expect(new Set(ids).size).toBe(all);
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        expect(fromA.map((e) => e.id)).toEqual(fromB.map((e) => e.id));
        expect(fromEvents.map((e) => e.id)).toEqual(fromB.map((e) => e.id));
        expect(new Set(fromB.map((e) => JSON.parse(e.data).text))).toEqual(new Set(['sent through A', ...texts]));

        // Resumed on the other instance from the middle: exactly the rest.
        const resumed = await openOk(a, path, seller.token, { 'last-event-id': fromB[10]!.id! });
        try {
          expect((await resumed.take(all - 11, 'message')).map((e) => e.id)).toEqual(fromB.slice(11).map((e) => e.id));
        } finally {
          resumed.close();
        }
      } finally {
        onA.close();
        onB.close();
        eventsOnB.close();
      }
    });

    it('a purchase and a status change committed on one instance reach the other; a token minted on one opens a stream on the other', async () => {
      const seller = await fixtures.user('seller');
      const buyer = await fixtures.user('buyer');
      const minted = await a.api.withToken(seller.token).post('/v2/stream-tokens', {});
      expect(minted.status).toBe(201);
      const stream = await openOk(b, `/v2/events/stream?stream_token=${encodeURIComponent(minted.body.data.token)}`, null);
      try {
        const order = await fixtures.order(seller, buyer, { status: 'pending' });
        expect((await adminA.patch(`/admin/v1/account-orders/${order.id}`, { status: 'in_delivery' })).status).toBe(200);
        const events = await stream.take(3);
        expect(events.map((e) => e.event)).toEqual(['account.order.purchased', 'order.status.updated', 'order.message.created']);
      } finally {
        stream.close();
      }
    });
  });
}
