import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ALLOWED_MOVES, isNow, orderRow, STATUS_LABELS, threadRows, type Status } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const SYSTEM = { id: 0, username: 'System', is_admin: true };

async function move(id: number, status: Status) {
  const res = await parley.admin.patch(`/admin/v1/account-orders/${id}`, { status });
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body)).toEqual(['data']);
  return res.body.data;
}

describe('PATCH /admin/v1/account-orders/{id} -> 200', () => {
  it.each(ALLOWED_MOVES)('moves an order from %s to %s', async (from, to) => {
    const { seller, buyer, order } = await parley.fixtures.scenario(from);
    const before = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    expect(before.status, before.text).toBe(200);

    const updated = await move(order.id, to);
    // Only the status and its timestamps change.
    expect(updated).toEqual({
      ...order,
      status: to,
      updated_at: expect.any(Number),
      completed_at: to === 'delivered' ? expect.any(Number) : order.completed_at,
      refunded_at: to === 'refunded' ? expect.any(Number) : order.refunded_at,
    });
    expect(isNow(updated.updated_at), String(updated.updated_at)).toBe(true);
    expect(updated.updated_at).toBeGreaterThanOrEqual(order.updated_at);
    if (to === 'delivered') {
      expect(isNow(updated.completed_at)).toBe(true);
      expect(updated.completed_at).toBe(updated.updated_at);
    }
    if (to === 'refunded') {
      expect(isNow(updated.refunded_at)).toBe(true);
      expect(updated.refunded_at).toBe(updated.updated_at);
    }

    // Committed, and served the same way on /v2.
    expect(orderRow(parley, order.id)).toMatchObject({
      status: to,
      updated_at: updated.updated_at,
      completed_at: updated.completed_at,
      refunded_at: updated.refunded_at,
    });
    const read = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
    expect(read.body.data).toEqual(updated);

    // Exactly one system message, appended at the end of the thread, visible to both parties.
    const after = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    expect(after.status, after.text).toBe(200);
    expect(after.body.data).toHaveLength(before.body.data.length + 1);
    expect(after.body.data.slice(0, -1)).toEqual(before.body.data);
    const system = after.body.data.at(-1);
    expect(system).toEqual({
      id: expect.any(String),
      type: 'system_message',
      text: `Order status changed from ${STATUS_LABELS[from]} to ${STATUS_LABELS[to]}.`,
      attachment: null,
      sender: SYSTEM,
      sent_at: updated.updated_at,
    });
    const asBuyer = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: buyer.token });
    expect(asBuyer.status, asBuyer.text).toBe(200);
    expect(asBuyer.body.data.at(-1)).toEqual(system);
  });

  it('writes the human labels, e.g. "in delivery", into the system message', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    await move(order.id, 'in_delivery');
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    expect(thread.body.data.at(-1).text).toBe('Order status changed from pending to in delivery.');
  });

  it('walks the whole lifecycle, one system message per change, in order', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const startCount = threadRows(parley, order.id).length;
    const inDelivery = await move(order.id, 'in_delivery');
    expect(inDelivery).toMatchObject({ status: 'in_delivery', completed_at: null, refunded_at: null });
    const delivered = await move(order.id, 'delivered');
    expect(delivered).toMatchObject({ status: 'delivered', refunded_at: null });
    expect(isNow(delivered.completed_at)).toBe(true);
    const refunded = await move(order.id, 'refunded');
    expect(refunded.status).toBe('refunded');
    // A refund after delivery keeps the delivery time.
    expect(refunded.completed_at).toBe(delivered.completed_at);
    expect(isNow(refunded.refunded_at)).toBe(true);

    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    const system = thread.body.data.filter((m: { type: string }) => m.type === 'system_message');
    expect(system.slice(-3).map((m: { text: string }) => m.text)).toEqual([
      'Order status changed from pending to in delivery.',
      'Order status changed from in delivery to delivered.',
      'Order status changed from delivered to refunded.',
    ]);
    const rows = threadRows(parley, order.id);
    expect(rows).toHaveLength(startCount + 3);
    for (const row of rows.slice(-3)) expect(row).toMatchObject({ type: 'system_message', sender_id: null });
  });

  it('keeps the chat open after pending -> in_delivery, with the system message between user messages', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const first = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'before' }, { token: seller.token });
    expect(first.status, first.text).toBe(200);
    await move(order.id, 'in_delivery');
    const second = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'after' }, { token: buyer.token });
    expect(second.status, second.text).toBe(200);
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    const tail = thread.body.data.slice(-3).map((m: { type: string; text: string }) => [m.type, m.text]);
    expect(tail).toEqual([
      ['user_message', 'before'],
      ['system_message', 'Order status changed from pending to in delivery.'],
      ['user_message', 'after'],
    ]);
  });

  it.each(['delivered', 'refunded'] as const)('closes the chat after a move to %s: the seller gets 403 on POST messages', async (to) => {
    const { seller, buyer, order } = await parley.fixtures.scenario('in_delivery');
    await move(order.id, to);
    for (const token of [seller.token, buyer.token]) {
      const before = threadRows(parley, order.id).length;
      const res = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'too late' }, { token });
      expect(res.status, res.text).toBe(403);
      expect(res.body.message).toBe('The order must be in processing status (pending or in_delivery) to perform this action.');
      expect(threadRows(parley, order.id)).toHaveLength(before);
    }
  });

  it('accepts the status with surrounding spaces', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    const res = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: ' delivered ' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.status).toBe('delivered');
  });

  it('works with the key of a user created with role admin', async () => {
    const admin = await parley.fixtures.user('admin');
    const { order } = await parley.fixtures.scenario('pending');
    const res = await parley.api.patch(`/admin/v1/account-orders/${order.id}`, { status: 'in_delivery' }, { token: admin.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.status).toBe('in_delivery');
  });

  it('leaves other orders alone', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const other = await parley.fixtures.order(seller, buyer, { status: 'pending' });
    const otherRow = orderRow(parley, other.id);
    const otherThread = threadRows(parley, other.id);
    await move(order.id, 'refunded');
    expect(orderRow(parley, other.id)).toEqual(otherRow);
    expect(threadRows(parley, other.id)).toEqual(otherThread);
  });
});
