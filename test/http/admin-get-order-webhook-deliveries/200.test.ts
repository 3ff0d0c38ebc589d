import { describe, expect, it } from 'vitest';
import { kindCase, ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { actionPath, openCase } from '../dispute-support/helpers.js';
import { createEndpoint, receiverAndParley, sendMessage } from '../../webhooks/helpers.js';
import { waitFor } from '../../webhooks/receiver.js';

const deliveriesPath = (adminPath: string, id: number) => `${adminPath}/${id}/webhook-deliveries`;

describe('GET /admin/v1/{kind}-orders/{id}/webhook-deliveries', () => {
  const suite = receiverAndParley({ PARLEY_WEBHOOK_POLL_MS: '25', PARLEY_WEBHOOK_RETRY_SCHEDULE: '3600' });

  it.each(ORDER_KIND_CASES)('lists the deliveries of the events about one $kind order, newest first, with bodies and attempts', async (kind) => {
    const { parley, receiver } = suite;
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const path = receiver.newPath();
    receiver.setDefault(path, 200);
    const endpoint = await createEndpoint(parley, seller.id, receiver.url(path));
    // Another order of the same seller and kind: its events must not appear.
    const other = await parley.fixtures.order(seller, await parley.fixtures.user('buyer'), { status: 'pending' }, kind);
    const message = await sendMessage(parley, seller.token, order.id, 'About this order', kind.path);
    await sendMessage(parley, seller.token, other.id, 'About the other order', kind.path);
    const moved = await parley.admin.patch(`${kind.adminPath}/${order.id}`, { status: 'in_delivery' });
    expect(moved.status, moved.text).toBe(200);
    // The other order's purchase and message, this one's message, status change and its system message.
    await waitFor(() => receiver.on(path).length === 5, 5000, 'five deliveries');

    const res = await parley.admin.get(deliveriesPath(kind.adminPath, order.id));
    expect(res.status, res.text).toBe(200);
    const rows = res.body.data as any[];
    expect(rows.map((r) => r.topic)).toEqual(['order.message.created', 'order.status.updated', 'order.message.created']);
    const [system, status, sent] = rows;
    expect(system.body.payload.message.type).toBe('system_message');
    expect(sent).toEqual({
      id: expect.any(Number), event_id: expect.stringMatching(/^evt_/), topic: 'order.message.created',
      endpoint_id: endpoint.id, endpoint_url: receiver.url(path), state: 'succeeded', attempts: 1,
      last_status_code: 200, last_error: null, created_at: expect.any(Number), finished_at: expect.any(Number),
      body: { event: 'order.message.created', payload: { order_kind: kind.kind, order_id: order.id, message } },
    });
    expect(status.body.payload.order.id).toBe(order.id);
    expect(status.body.payload.order.status).toBe('in_delivery');
    expect(status.id).toBeGreaterThan(sent.id);
    // The other order was created after the endpoint: its purchase is listed too.
    const others = (await parley.admin.get(deliveriesPath(kind.adminPath, other.id))).body.data as any[];
    expect(others.map((r) => r.topic)).toEqual(['order.message.created', `${kind.kind}.order.purchased`]);
    expect(others[1].body.payload.id).toBe(other.id);
    // The body is the one delivered, byte for byte.
    const delivered = receiver.on(path).find((r) => r.body.includes('"About this order"'))!;
    expect(JSON.parse(delivered.body)).toEqual(sent.body);
  });

  it('shows a failed attempt\'s status code, then the replay\'s new delivery', async () => {
    const { parley, receiver } = suite;
    const kind = kindCase('item');
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const path = receiver.newPath();
    receiver.setDefault(path, 500);
    await createEndpoint(parley, seller.id, receiver.url(path), ['order.message.created']);
    await sendMessage(parley, seller.token, order.id, 'Will fail once', kind.path);
    await waitFor(() => receiver.on(path).length === 1, 5000, 'the first attempt');
    const first = await waitFor(async () => {
      const rows = (await parley.admin.get(deliveriesPath(kind.adminPath, order.id))).body.data as any[];
      return rows[0]?.attempts === 1 ? rows : null;
    }, 5000, 'the attempt recorded');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ state: 'pending', attempts: 1, last_status_code: 500, finished_at: null });

    receiver.setDefault(path, 204);
    const replay = await parley.admin.post(`/admin/v1/webhook-events/${first[0].event_id}/replay`);
    expect(replay.status, replay.text).toBe(202);
    await waitFor(() => receiver.on(path).length === 2, 5000, 'the replayed delivery');
    const after = await waitFor(async () => {
      const rows = (await parley.admin.get(deliveriesPath(kind.adminPath, order.id))).body.data as any[];
      return rows.length === 2 && rows[0].state === 'succeeded' ? rows : null;
    }, 5000, 'the replay recorded');
    expect(after.map((r: any) => [r.event_id, r.state, r.last_status_code])).toEqual([
      [first[0].event_id, 'succeeded', 204],
      [first[0].event_id, 'pending', 500],
    ]);
  });

  it.each(ORDER_KIND_CASES)('lists the dispute events of one $kind order, not those of another order\'s case', async (kind) => {
    const { parley, receiver } = suite;
    const { seller, order } = await parley.fixtures.scenario('in_delivery', {}, kind);
    const other = await parley.fixtures.order(seller, await parley.fixtures.user('buyer'), { status: 'in_delivery' }, kind);
    const path = receiver.newPath();
    receiver.setDefault(path, 200);
    await createEndpoint(parley, seller.id, receiver.url(path), ['order.dispute.created', 'order.dispute.updated']);
    const dispute = await openCase(parley, order.id, {}, kind);
    await openCase(parley, other.id, {}, kind);
    const accepted = await parley.api.post(actionPath(dispute.id, 'accept'), { message: 'Sorry, refunding.' }, { token: seller.token });
    expect(accepted.status, accepted.text).toBe(200);
    await waitFor(async () => {
      const rows = (await parley.admin.get(deliveriesPath(kind.adminPath, order.id))).body.data as any[];
      return rows.length === 2 && rows.every((r) => r.state === 'succeeded');
    }, 5000, 'both dispute deliveries made');

    const rows = (await parley.admin.get(deliveriesPath(kind.adminPath, order.id))).body.data as any[];
    expect(rows.map((r) => r.topic)).toEqual(['order.dispute.updated', 'order.dispute.created']);
    expect(rows[0].body.payload.dispute.orderable_id).toBe(order.id);
    expect(rows[1].body.payload.id).toBe(dispute.id);
    const others = (await parley.admin.get(deliveriesPath(kind.adminPath, other.id))).body.data as any[];
    expect(others.map((r) => r.topic)).toEqual(['order.dispute.created']);
  });

  it('answers an empty list for an order whose seller has no endpoint', async () => {
    const { parley } = suite;
    const { seller, order } = await parley.fixtures.scenario('pending');
    await sendMessage(parley, seller.token, order.id, 'Nobody listens');
    const res = await parley.admin.get(deliveriesPath('/admin/v1/account-orders', order.id));
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { data: [] } });
  });
});
