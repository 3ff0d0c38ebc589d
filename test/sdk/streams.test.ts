import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parley, type ServerSentEvent, type StreamOptions } from '../../sdk/src/index.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { TcpRelay } from '../support/tcp-relay.js';

/** The SDK's stream helper on the server's live streams: events, resume by Last-Event-ID, reconnection. */
let parley: TestParley;
let seller: Parley;
let order: { id: number };
beforeAll(async () => {
  parley = await startTestParley();
  const s = await parley.fixtures.user('seller');
  order = await parley.fixtures.order(s, await parley.fixtures.user('buyer'));
  seller = new Parley({ baseUrl: parley.url, token: s.token });
});
// Also shows that a stream the client stopped leaves no connection behind: the server's close
// would wait for one (sdk/src/stream-fetch.ts).
afterAll(() => parley.close());

/** A stream opened and ready (the server accepted it), with its events pulled one by one. */
async function follow(make: (options: StreamOptions) => AsyncGenerator<ServerSentEvent>) {
  const stop = new AbortController();
  let ready!: () => void;
  const open = new Promise<void>((resolve) => (ready = resolve));
  const opens: boolean[] = [];
  const stream = make({ signal: stop.signal, onOpen: ({ reconnected }) => { opens.push(reconnected); ready(); } });
  let pending = stream.next();
  await Promise.race([open, pending]);
  return {
    opens,
    async next(): Promise<ServerSentEvent> {
      const { value, done } = await pending;
      expect(done).toBe(false);
      pending = stream.next();
      return value as ServerSentEvent;
    },
    async close() {
      stop.abort();
      await pending;
    },
  };
}

const send = (text: string) => seller.sendMessage('account', order.id, text);

describe('Parley.stream', () => {
  it("yields an order's messages as the REST API serves them, with numeric ids", async () => {
    const stream = await follow((o) => seller.streamMessages('account', order.id, o));
    const sent = await send('live one');
    const event = await stream.next();
    expect(event.event).toBe('message');
    expect(event.id).toMatch(/^\d+$/);
    expect(event.data).toEqual(sent);
    expect(JSON.parse(event.raw)).toEqual(sent);
    await stream.close();
  });

  it('resumes after the last event id given, with nothing lost or repeated', async () => {
    const stream = await follow((o) => seller.streamMessages('account', order.id, o));
    await send('before the break');
    const last = await stream.next();
    await stream.close();
    const missed = [await send('missed 1'), await send('missed 2')];
    const resumed = await follow((o) => seller.streamMessages('account', order.id, { ...o, lastEventId: last.id! }));
    expect([(await resumed.next()).data, (await resumed.next()).data]).toEqual(missed);
    await resumed.close();
  });

  it('reconnects by itself when the connection drops, resuming where it was', async () => {
    const relay = await TcpRelay.start({ host: '127.0.0.1', port: Number(new URL(parley.url).port) });
    const token = (seller.transport.headers().authorization ?? '').replace('Bearer ', '');
    const viaRelay = new Parley({ baseUrl: `http://${relay.url}`, token, sleep: async () => undefined });
    const stream = await follow((o) => viaRelay.streamMessages('account', order.id, o));
    await send('first');
    expect(((await stream.next()).data as { text: string }).text).toBe('first');
    await relay.cut();
    const whileDown = await send('while the connection was down');
    await relay.restore();
    expect((await stream.next()).data).toEqual(whileDown);
    expect(stream.opens).toEqual([false, true]);
    await stream.close();
    await relay.close();
  });

  it("yields the caller's webhook events as their topic with the delivery's payload", async () => {
    const stream = await follow((o) => seller.streamEvents({ ...o, topics: ['order.message.created'] }));
    const sent = await send('an event');
    const event = await stream.next();
    expect(event.event).toBe('order.message.created');
    expect(event.data).toEqual({ order_kind: 'account', order_id: order.id, message: sent });
    await stream.close();
  });

  it('hands on a reset and then reconnects without Last-Event-ID, following live again', async () => {
    const small = await startTestParley({ PARLEY_STREAM_REPLAY_MAX: '1' });
    try {
      const user = await small.fixtures.user('seller');
      const smallOrder = await small.fixtures.order(user, await small.fixtures.user('buyer'));
      const client = new Parley({ baseUrl: small.url, token: user.token, sleep: async () => undefined });
      const first = await follow((o) => client.streamMessages('account', smallOrder.id, o));
      await client.sendMessage('account', smallOrder.id, 'seen');
      const seen = await first.next();
      await first.close();
      // Two missed events, one more than the server replays: it answers `reset` and closes.
      await client.sendMessage('account', smallOrder.id, 'missed 1');
      await client.sendMessage('account', smallOrder.id, 'missed 2');
      const resumed = await follow((o) => client.streamMessages('account', smallOrder.id, { ...o, lastEventId: seen.id! }));
      const reset = await resumed.next();
      expect(reset.event).toBe('reset');
      expect(reset.data).toEqual({ reason: 'too_far_behind' });
      // The SDK reconnects from now on (a resume would be reset again): the next message arrives.
      await waitForOpens(resumed.opens, 2);
      const live = await client.sendMessage('account', smallOrder.id, 'after the reset');
      expect((await resumed.next()).data).toEqual(live);
      await resumed.close();
    } finally {
      await small.close();
    }
  });
});

/** Waits until a stream has been opened `count` times (its reconnection after a reset). */
async function waitForOpens(opens: boolean[], count: number): Promise<void> {
  for (let i = 0; i < 250 && opens.length < count; i++) await new Promise((r) => setTimeout(r, 20));
  expect(opens.length).toBe(count);
}
