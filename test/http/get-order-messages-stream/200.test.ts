import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { EventSchemas, idsOf, openOk, orderStreamPath, send } from '../../live/stream-support.js';

describe('GET /v2/{kind}-orders/{id}/messages/stream', () => {
  let parley: TestParley;
  let schemas: EventSchemas;
  beforeAll(async () => {
    parley = await startTestParley();
    schemas = await EventSchemas.of(parley);
  });
  afterAll(async () => parley?.close());

  for (const kind of ORDER_KIND_CASES) {
    it(`${kind.kind}: the seller, the buyer and the admin each get every new message as the REST API serves it`, async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const path = orderStreamPath(kind.path, order.id);
      const streams = await Promise.all([seller.token, buyer.token, parley.adminToken].map((token) => openOk(parley, path, token)));
      try {
        const sent = [await send(parley, kind.path, order.id, buyer.token, 'hello'), await send(parley, kind.path, order.id, seller.token, 'hi  there ')];
        for (const stream of streams) {
          const events = await stream.take(2, 'message');
          const messages = events.map((e) => schemas.check(e, `/v2/${kind.kind}-orders/{${kind.kind}Order}/messages/stream`));
          expect(messages).toEqual(sent);
          // Event ids are the log's numbers: increasing integers, not the ULIDs.
          expect(idsOf(events).every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
          expect(idsOf(events)[1]).toBeGreaterThan(idsOf(events)[0]!);
        }
        // The very bytes of the thread read: JSON.stringify of the parsed REST body's message.
        const thread = await parley.api.withToken(seller.token).get(`${kind.path}/${order.id}/messages`);
        expect(streams[0]!.events.filter((e) => e.event === 'message').map((e) => e.data)).toEqual(
          thread.body.data.filter((m: { type: string }) => m.type === 'user_message').map((m: unknown) => JSON.stringify(m)));
      } finally {
        for (const stream of streams) stream.close();
      }
    });
  }

  it('sends a status event with the order (credentials null) when the status moves, and the system message', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', { credentials: 'login:secret' });
    const stream = await openOk(parley, orderStreamPath('/v2/account-orders', order.id), seller.token);
    try {
      const moved = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'delivered' });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      const [status] = await stream.take(1, 'status');
      const data = schemas.check(status!);
      expect(data).toMatchObject({ order_kind: 'account', order_id: order.id, status: 'delivered', order: { id: order.id, status: 'delivered', credentials: null } });
      const [system] = await stream.take(1, 'message');
      expect(schemas.check(system!)).toMatchObject({ type: 'system_message' });
    } finally {
      stream.close();
    }
  });

  it('resumes with Last-Event-ID after a disconnect: nothing lost, nothing repeated, then live', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    const first = await openOk(parley, path, seller.token);
    for (const text of ['one', 'two', 'three']) await send(parley, '/v2/account-orders', order.id, buyer.token, text);
    const seen = await first.take(3, 'message');
    first.close();
    // Sent while nobody listens: some in this order, some in another (which must not show).
    const other = await parley.fixtures.order(seller, buyer, { status: 'pending' });
    for (const text of ['four', 'five']) await send(parley, '/v2/account-orders', order.id, buyer.token, text);
    await send(parley, '/v2/account-orders', other.id, buyer.token, 'elsewhere');

    const header = await openOk(parley, path, seller.token, { 'last-event-id': seen[1]!.id! });
    const query = await openOk(parley, `${path}?last_event_id=${seen[2]!.id!}`, seller.token);
    try {
      const replayed = await header.take(3, 'message');
      expect(replayed.map((e) => JSON.parse(e.data).text)).toEqual(['three', 'four', 'five']);
      expect((await query.take(2, 'message')).map((e) => JSON.parse(e.data).text)).toEqual(['four', 'five']);
      await send(parley, '/v2/account-orders', order.id, seller.token, 'six');
      const all = await header.take(4, 'message');
      expect(all.map((e) => JSON.parse(e.data).text)).toEqual(['three', 'four', 'five', 'six']);
      const ids = idsOf(all);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
      await query.take(3, 'message');
      expect(query.events.map((e) => JSON.parse(e.data).text)).toEqual(['four', 'five', 'six']);
    } finally {
      header.close();
      query.close();
    }
  });

  it('accepts a stream token in the query instead of the Authorization header', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const minted = await parley.api.withToken(buyer.token).post('/v2/stream-tokens', { order_kind: 'account', order_id: order.id });
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    const stream = await openOk(parley, `${orderStreamPath('/v2/account-orders', order.id)}?stream_token=${encodeURIComponent(minted.body.data.token)}`, null);
    try {
      const message = await send(parley, '/v2/account-orders', order.id, seller.token, 'for the browser');
      const [event] = await stream.take(1, 'message');
      expect(JSON.parse(event!.data)).toEqual(message);
    } finally {
      stream.close();
    }
  });
});
