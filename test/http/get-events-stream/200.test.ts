import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { Receiver, waitFor } from '../../webhooks/receiver.js';
import { EventSchemas, openOk, send } from '../../live/stream-support.js';
import type { SseClient } from '../../live/sse-client.js';

const EVENTS = '/v2/events/stream';
const TOPICS = ['account.order.purchased', 'order.message.created', 'order.status.updated'];

describe('GET /v2/events/stream', () => {
  let parley: TestParley;
  let receiver: Receiver;
  let schemas: EventSchemas;
  beforeAll(async () => {
    receiver = await Receiver.start();
    parley = await startTestParley({ PARLEY_WEBHOOK_POLL_MS: '25' });
    schemas = await EventSchemas.of(parley);
  });
  afterAll(async () => {
    await parley?.close();
    await receiver?.close();
  });

  const check = (stream: SseClient) => stream.events.forEach((event) => schemas.check(event, EVENTS));

  it("carries each event of the seller's orders with the exact payload its webhook delivers", async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const path = receiver.newPath();
    const endpoint = await parley.admin.post(`/admin/v1/users/${seller.id}/webhook-endpoints`, { url: receiver.url(path), events: TOPICS });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    const stream = await openOk(parley, EVENTS, seller.token);
    try {
      const order = await parley.fixtures.order(seller, buyer, { status: 'pending' });
      await send(parley, '/v2/account-orders', order.id, buyer.token, 'is it ready?');
      expect((await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'delivered' })).status).toBe(200);
      // Purchase, message, status change, and the status change's system message.
      const events = await stream.take(4);
      expect(events.map((e) => e.event)).toEqual(['account.order.purchased', 'order.message.created', 'order.status.updated', 'order.message.created']);
      check(stream);
      const delivered = await waitFor(() => (receiver.on(path).length >= 4 ? receiver.on(path) : null), 15_000, 'four webhook deliveries');
      const bodies = new Set(delivered.map((request) => request.body));
      // A webhook body is `{"event":<topic>,"payload":<payload>}`: the stream's data is that payload, byte for byte.
      for (const event of events) expect(bodies.has(`{"event":${JSON.stringify(event.event)},"payload":${event.data}}`), event.event).toBe(true);
      const ids = events.map((e) => Number(e.id));
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    } finally {
      stream.close();
    }
  });

  it("never shows a buyer another buyer's orders, nor a seller another seller's; the admin sees all", async () => {
    const seller = await parley.fixtures.user('seller');
    const [mine, theirs] = [await parley.fixtures.user('buyer'), await parley.fixtures.user('buyer')];
    const otherSeller = await parley.fixtures.user('seller');
    const myOrder = await parley.fixtures.order(seller, mine, { status: 'pending' });
    const theirOrder = await parley.fixtures.order(seller, theirs, { status: 'pending' });
    const elsewhere = await parley.fixtures.order(otherSeller, mine, { status: 'pending' });
    const streams = {
      mine: await openOk(parley, EVENTS, mine.token),
      theirs: await openOk(parley, EVENTS, theirs.token),
      otherSeller: await openOk(parley, EVENTS, otherSeller.token),
      admin: await openOk(parley, EVENTS, parley.adminToken),
    };
    try {
      await send(parley, '/v2/account-orders', theirOrder.id, theirs.token, 'theirs 1');
      await send(parley, '/v2/account-orders', myOrder.id, mine.token, 'mine 1');
      await send(parley, '/v2/account-orders', elsewhere.id, mine.token, 'mine elsewhere');
      await send(parley, '/v2/account-orders', theirOrder.id, seller.token, 'theirs 2');
      const texts = (stream: SseClient) => stream.events.map((e) => JSON.parse(e.data).message.text);
      await streams.admin.until((s) => texts(s).includes('theirs 2'), 'the last message');
      await streams.mine.take(2);
      await streams.theirs.take(2);
      await streams.otherSeller.take(1);
      expect(texts(streams.mine)).toEqual(['mine 1', 'mine elsewhere']);
      expect(texts(streams.theirs)).toEqual(['theirs 1', 'theirs 2']);
      expect(texts(streams.otherSeller)).toEqual(['mine elsewhere']);
      expect(texts(streams.admin).filter((t) => /^(mine|theirs)/.test(t))).toEqual(['theirs 1', 'mine 1', 'mine elsewhere', 'theirs 2']);
      for (const stream of Object.values(streams)) check(stream);
    } finally {
      for (const stream of Object.values(streams)) stream.close();
    }
  });

  it('narrows the stream to ?topics=, and resumes it with Last-Event-ID', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const stream = await openOk(parley, `${EVENTS}?topics=order.status.updated,%20order.message.created`, seller.token);
    const statusOnly = await openOk(parley, `${EVENTS}?topics=order.status.updated`, seller.token);
    try {
      await send(parley, '/v2/account-orders', order.id, buyer.token, 'first');
      const [first] = await stream.take(1);
      stream.close();
      expect((await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'in_delivery' })).status).toBe(200);
      const [status] = await statusOnly.take(1);
      expect(status!.event).toBe('order.status.updated');
      const resumed = await openOk(parley, `${EVENTS}?topics=order.status.updated,order.message.created`, seller.token, { 'last-event-id': first!.id! });
      try {
        const events = await resumed.take(2);
        expect(events.map((e) => e.event)).toEqual(['order.status.updated', 'order.message.created']);
        expect(events[0]!.id).toBe(status!.id);
        expect(Number(events[1]!.id)).toBeGreaterThan(Number(status!.id));
      } finally {
        resumed.close();
      }
      expect(statusOnly.events.every((e) => e.event === 'order.status.updated')).toBe(true);
    } finally {
      stream.close();
      statusOnly.close();
    }
  });
});
