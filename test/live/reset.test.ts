import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_SCAN_MAX } from '../../src/live/stream-hub.js';
import { startTestParley, testDialect, type TestParley } from '../support/parley.js';
import { openOk, orderStreamPath, send } from './stream-support.js';

const BUFFER_BYTES = 1024 * 1024;
const REPLAY_MAX = 5;

describe('reset: a stream that cannot continue tells the client to reload, then closes', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_STREAM_BUFFER_BYTES: String(BUFFER_BYTES), PARLEY_STREAM_REPLAY_MAX: String(REPLAY_MAX) });
  });
  afterAll(async () => parley?.close());

  const hub = () => parley.running.app.parley.live!.hub;

  /** A pending order whose seller's stream got one message ('seen'), then closed. */
  const seenOneMessage = async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    const first = await openOk(parley, path, seller.token);
    await send(parley, '/v2/account-orders', order.id, buyer.token, 'seen');
    const [seen] = await first.take(1, 'message');
    first.close();
    return { seller, buyer, order, path, seen };
  };

  it('slow_consumer: a client that stops reading is cut off at the buffer bound; the others get every event', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    const slow = await openOk(parley, path, seller.token);
    const fast = await openOk(parley, path, buyer.token);
    slow.pause();
    // 10,000 four-byte characters: 40 KB a message. Sent until the server gives up on the slow
    // stream (the kernel's socket buffers take some MB first); the fast one stays open.
    const big = '😀'.repeat(10_000);
    let sent = 0;
    const slowOpen = () => hub().size === 2;
    while (slowOpen() && sent < 2_000) {
      await Promise.all(Array.from({ length: 10 }, () => send(parley, '/v2/account-orders', order.id, buyer.token, big)));
      sent += 10;
    }
    expect(hub().size).toBe(1);
    await fast.take(sent, 'message', 60_000);
    slow.resume();
    await slow.closedByServer(30_000);
    const last = slow.events.at(-1)!;
    expect(last.event).toBe('reset');
    expect(JSON.parse(last.data)).toEqual({ reason: 'slow_consumer' });
    const got = slow.events.filter((e) => e.event === 'message').length;
    expect(got).toBeLessThan(sent);
    // What it did get is a prefix, in order: resuming from its last id would lose nothing.
    expect(slow.events.slice(0, -1).map((e) => e.id)).toEqual(fast.events.slice(0, got).map((e) => e.id));
    fast.close();
  });

  it('too_far_behind: more missed events than PARLEY_STREAM_REPLAY_MAX, or events already pruned', async () => {
    const { seller, buyer, order, path, seen } = await seenOneMessage();
    for (let i = 0; i < REPLAY_MAX; i++) await send(parley, '/v2/account-orders', order.id, buyer.token, `missed ${i}`);
    // Exactly REPLAY_MAX missed: replayed.
    const ok = await openOk(parley, path, seller.token, { 'last-event-id': seen!.id! });
    expect((await ok.take(REPLAY_MAX, 'message')).map((e) => JSON.parse(e.data).text)).toEqual(Array.from({ length: REPLAY_MAX }, (_, i) => `missed ${i}`));
    ok.close();
    await send(parley, '/v2/account-orders', order.id, buyer.token, 'one more');
    const behind = await openOk(parley, path, seller.token, { 'last-event-id': seen!.id! });
    await behind.closedByServer();
    expect(behind.events.map((e) => [e.event, e.data])).toEqual([['reset', '{"reason":"too_far_behind"}']]);

    // Pruned through the last event the client saw: still fine. One further: gone.
    const lastId = Number(ok.events.at(-1)!.id);
    parley.writeDb((db) => db.prepare('update event_sequence set pruned_through = ?').run(lastId));
    const fine = await openOk(parley, path, seller.token, { 'last-event-id': String(lastId) });
    expect((await fine.take(1, 'message'))[0]!.data).toContain('one more');
    fine.close();
    const pruned = await openOk(parley, path, seller.token, { 'last-event-id': String(lastId - 1) });
    await pruned.closedByServer();
    expect(pruned.events.map((e) => e.data)).toEqual(['{"reason":"too_far_behind"}']);
  });

  /** Puts an event of no one's order at log number `seq`: the next events are numbered after it. */
  const jumpLogTo = (seq: number) => parley.writeDb((db) => {
    const columns = 'topic, order_kind, order_id, seller_id, buyer_id, payload, created_at';
    const values = `'order.message.created', 'account', 999999999, 999999999, 999999999, '{}', 0`;
    if (testDialect() === 'postgres') {
      db.prepare(`insert into stream_events (seq, ${columns}) values (?, ${values})`).run(seq);
      db.prepare('update event_sequence set last_seq = ?').run(seq);
    } else {
      db.prepare(`insert into stream_events (id, ${columns}) values (?, ${values})`).run(seq);
    }
  });

  it('a resume finds its events across a long stretch of other events (the log is read in windows)', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    const first = await openOk(parley, path, seller.token);
    const events = await openOk(parley, '/v2/events/stream', seller.token);
    await send(parley, '/v2/account-orders', order.id, buyer.token, 'before the gap');
    const [seen] = await first.take(1, 'message');
    await events.take(1);
    first.close();
    events.close();
    jumpLogTo(Number(seen!.id) + 150_000);
    await send(parley, '/v2/account-orders', order.id, buyer.token, 'after the gap');
    const resumed = await openOk(parley, path, seller.token, { 'last-event-id': seen!.id! });
    const [after] = await resumed.take(1, 'message');
    expect(JSON.parse(after!.data).text).toBe('after the gap');
    expect(Number(after!.id)).toBeGreaterThan(Number(seen!.id) + 150_000);
    resumed.close();
    const mine = await openOk(parley, '/v2/events/stream', seller.token, { 'last-event-id': seen!.id! });
    const [event] = await mine.take(1);
    expect(event!.id).toBe(after!.id);
    mine.close();
  });

  it(`too_far_behind: an id more than ${REPLAY_SCAN_MAX} log numbers behind its end, even with nothing of its own missed`, async () => {
    const { seller, buyer, order, path, seen } = await seenOneMessage();
    jumpLogTo(Number(seen!.id) + REPLAY_SCAN_MAX + 1);
    await send(parley, '/v2/account-orders', order.id, buyer.token, 'wake the hub');
    const behind = await openOk(parley, path, seller.token, { 'last-event-id': seen!.id! });
    await behind.closedByServer();
    expect(behind.events.map((e) => [e.event, e.data])).toEqual([['reset', '{"reason":"too_far_behind"}']]);
  });

  it('unknown_event_id: an id this deployment never gave', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const stream = await openOk(parley, orderStreamPath('/v2/account-orders', order.id), seller.token, { 'last-event-id': '999999999' });
    await stream.closedByServer();
    expect(stream.events.map((e) => [e.event, e.id, e.data])).toEqual([['reset', null, '{"reason":"unknown_event_id"}']]);
  });
});
