import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { FORBIDDEN_MOVES, orderRow, threadRows, type Status } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** PATCHes `body` and expects exactly `errors`, with the order row and its thread unchanged. */
async function expectRejected(orderId: number, body: unknown, errors: Record<string, string[]>) {
  const row = orderRow(parley, orderId);
  const thread = threadRows(parley, orderId);
  const res = await parley.admin.patch(`/admin/v1/account-orders/${orderId}`, body);
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(orderRow(parley, orderId)).toEqual(row);
  expect(threadRows(parley, orderId)).toEqual(thread);
}

describe('PATCH /admin/v1/account-orders/{id} -> 422', () => {
  it('covers every move not allowed (sanity check of the table)', () => {
    expect(FORBIDDEN_MOVES).toHaveLength(10);
  });

  it.each(FORBIDDEN_MOVES)('refuses to move an order from %s to %s, and changes nothing', async (from: Status, to: Status) => {
    const { seller, order } = await parley.fixtures.scenario(from);
    await expectRejected(order.id, { status: to }, { status: [`The order cannot move from ${from} to ${to}.`] });
    const read = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
    expect(read.body.data).toEqual(order);
  });

  it('refuses to go back once an order has moved forward', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    const moved = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'delivered' });
    expect(moved.status, moved.text).toBe(200);
    await expectRejected(order.id, { status: 'pending' }, { status: ['The order cannot move from delivered to pending.'] });
    await expectRejected(order.id, { status: 'in_delivery' }, { status: ['The order cannot move from delivered to in_delivery.'] });
    const refunded = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'refunded' });
    expect(refunded.status, refunded.text).toBe(200);
    await expectRejected(order.id, { status: 'refunded' }, { status: ['The order cannot move from refunded to refunded.'] });
  });

  it('rejects an unknown status', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    await expectRejected(order.id, { status: 'shipped' }, { status: ['The selected status is invalid.'] });
    await expectRejected(order.id, { status: 'DELIVERED' }, { status: ['The selected status is invalid.'] });
  });

  it('requires the status, treating a blank one as missing', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    const required = { status: ['The status field is required.'] };
    await expectRejected(order.id, {}, required);
    await expectRejected(order.id, { status: null }, required);
    await expectRejected(order.id, { status: '' }, required);
    await expectRejected(order.id, { status: '   ' }, required);
    await expectRejected(order.id, { other: 'delivered' }, required);
  });

  it('rejects a status that is not a string', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    const row = orderRow(parley, order.id);
    const res = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: ['delivered'] });
    expect(res.status, res.text).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(['status']);
    expect(res.body.errors.status[0]).toBe('The status field must be a string.');
    expect(orderRow(parley, order.id)).toEqual(row);
  });
});
