import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { isNow, orderRow, threadRows } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function patch(id: number, body: Record<string, unknown>, path = '/admin/v1/account-orders') {
  const res = await parley.admin.patch(`${path}/${id}`, body);
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body)).toEqual(['data']);
  return res.body.data;
}

describe('PATCH /admin/v1/account-orders/{id} -> 200 (rating, is_disputed, dispute_case_id)', () => {
  it('sets a rating, changing nothing else but updated_at and writing nothing to the thread', async () => {
    const { seller, order } = await parley.fixtures.scenario('delivered');
    const thread = threadRows(parley, order.id);
    const updated = await patch(order.id, { rating: { rating: 4, labels: ['Fast delivery', 'Friendly'], comment: 'Smooth trade' } });
    expect(updated).toEqual({
      ...order,
      rating: { id: order.id, labels: ['Fast delivery', 'Friendly'], rating: 4, comment: 'Smooth trade', created_at: expect.any(Number), updated_at: expect.any(Number) },
      updated_at: expect.any(Number),
    });
    expect(isNow(updated.rating.created_at)).toBe(true);
    expect(updated.rating.updated_at).toBe(updated.rating.created_at);
    expect(updated.updated_at).toBe(updated.rating.updated_at);
    expect(threadRows(parley, order.id)).toEqual(thread);
    const read = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
    expect(read.body.data).toEqual(updated);
  });

  it('defaults labels to [] and the comment to "", takes a fractional rating, and trims the comment', async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    expect((await patch(order.id, { rating: { rating: 5 } })).rating).toMatchObject({ rating: 5, labels: [], comment: '' });
    expect((await patch(order.id, { rating: { rating: 3.5, labels: null, comment: '  ' } })).rating).toMatchObject({ rating: 3.5, labels: [], comment: '' });
    expect((await patch(order.id, { rating: { rating: 1, comment: '  Late  ' } })).rating).toMatchObject({ rating: 1, comment: 'Late' });
  });

  it('replaces a rating under the same id and created_at, and removes it with null', async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    const first = (await patch(order.id, { rating: { rating: 2, comment: 'Slow' } })).rating;
    const second = (await patch(order.id, { rating: { rating: 5, labels: ['Changed my mind'] } })).rating;
    expect(second).toEqual({ id: first.id, labels: ['Changed my mind'], rating: 5, comment: '', created_at: first.created_at, updated_at: expect.any(Number) });
    expect(second.updated_at).toBeGreaterThanOrEqual(first.updated_at);
    expect((await patch(order.id, { rating: null })).rating).toBeNull();
    expect(orderRow(parley, order.id)!.rating).toBeNull();
  });

  it('sets and clears the dispute fields', async () => {
    const { seller, order } = await parley.fixtures.scenario('delivered');
    const thread = threadRows(parley, order.id);
    const disputed = await patch(order.id, { is_disputed: true, dispute_case_id: 31337 });
    expect(disputed).toEqual({ ...order, is_disputed: true, dispute_case_id: 31337, updated_at: expect.any(Number) });
    expect(orderRow(parley, order.id)).toMatchObject({ is_disputed: 1, dispute_case_id: 31337 });
    expect((await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token })).body.data).toEqual(disputed);
    const cleared = await patch(order.id, { is_disputed: false, dispute_case_id: null });
    expect(cleared).toMatchObject({ is_disputed: false, dispute_case_id: null });
    expect(threadRows(parley, order.id)).toEqual(thread);
  });

  it('changes the status and the other fields together, with one system message for the move', async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    const before = threadRows(parley, order.id).length;
    const updated = await patch(order.id, { status: 'refunded', is_disputed: true, dispute_case_id: 9, rating: { rating: 1 } });
    expect(updated).toMatchObject({ status: 'refunded', is_disputed: true, dispute_case_id: 9, rating: { rating: 1 } });
    expect(isNow(updated.refunded_at)).toBe(true);
    const thread = threadRows(parley, order.id);
    expect(thread).toHaveLength(before + 1);
    expect(thread.at(-1)).toMatchObject({ type: 'system_message', text: 'Order status changed from delivered to refunded.' });
  });

  it.each(ORDER_KIND_CASES.filter((c) => c.kind !== 'account'))('does the same for $kind orders', async (kind) => {
    const { seller, order } = await parley.fixtures.scenario('delivered', {}, kind);
    const updated = await patch(order.id, { rating: { rating: 4, comment: 'ok' }, is_disputed: true }, kind.adminPath);
    expect(updated).toMatchObject({ rating: { id: order.id, rating: 4, comment: 'ok', labels: [] }, is_disputed: true, dispute_case_id: null });
    expect((await parley.api.get(`${kind.path}/${order.id}`, { token: seller.token })).body.data).toEqual(updated);
  });
});
