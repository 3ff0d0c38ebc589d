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

  it('requires a status when no other field is given', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    const none = { status: ['The status field is required when none of rating / is disputed / dispute case id are present.'] };
    await expectRejected(order.id, {}, none);
    await expectRejected(order.id, { other: 'delivered' }, none);
  });

  it('treats a null or blank status as missing, which a present status may not be', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    const required = { status: ['The status field is required.'] };
    await expectRejected(order.id, { status: null }, required);
    await expectRejected(order.id, { status: '' }, required);
    await expectRejected(order.id, { status: '   ' }, required);
    await expectRejected(order.id, { status: null, is_disputed: true }, required);
  });

  it.each([
    [{ rating: {} }, { 'rating.rating': ['The rating.rating field is required.'] }],
    [{ rating: { rating: 0 } }, { 'rating.rating': ['The rating.rating field must be at least 1.'] }],
    [{ rating: { rating: 5.5 } }, { 'rating.rating': ['The rating.rating field must not be greater than 5.'] }],
    [{ rating: { rating: '5' } }, { 'rating.rating': ['The rating.rating field must be a number.'] }],
    [{ rating: { rating: null } }, { 'rating.rating': ['The rating.rating field is required.'] }],
    [{ rating: 5 }, { rating: ['The rating field must be an object.'] }],
    [{ rating: { rating: 4, labels: 'fast' } }, { 'rating.labels': ['The rating.labels field must be an array.'] }],
    [{ rating: { rating: 4, labels: ['fast', 7] } }, { 'rating.labels.1': ['The rating.labels.1 field must be a string.'] }],
    [{ rating: { rating: 4, comment: 'x'.repeat(2001) } }, { 'rating.comment': ['The rating.comment field must not be greater than 2000 characters.'] }],
    [{ is_disputed: 'yes' }, { is_disputed: ['The is disputed field must be true or false.'] }],
    [{ is_disputed: null }, { is_disputed: ['The is disputed field is required.'] }],
    [{ dispute_case_id: 0 }, { dispute_case_id: ['The dispute case id field must be at least 1.'] }],
    [{ dispute_case_id: 'abc' }, { dispute_case_id: ['The dispute case id field must be an integer.'] }],
    [{ dispute_case_id: 1.5 }, { dispute_case_id: ['The dispute case id field must be an integer.'] }],
  ])('rejects %j, and changes nothing', async (body, errors) => {
    const { order } = await parley.fixtures.scenario('delivered');
    await expectRejected(order.id, body, errors);
  });

  it('changes none of the valid fields when one is rejected', async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    await expectRejected(order.id, { rating: { rating: 4 }, is_disputed: true, dispute_case_id: 0 },
      { dispute_case_id: ['The dispute case id field must be at least 1.'] });
    await expectRejected(order.id, { rating: { rating: 4 }, is_disputed: true, dispute_case_id: 3, status: 'pending' },
      { status: ['The order cannot move from delivered to pending.'] });
  });

  it('reports a forbidden move next to the other fields\' errors', async () => {
    const { order } = await parley.fixtures.scenario('refunded');
    await expectRejected(order.id, { status: 'delivered', rating: { rating: 9 }, is_disputed: 'no' }, {
      status: ['The order cannot move from refunded to delivered.'],
      'rating.rating': ['The rating.rating field must not be greater than 5.'],
      is_disputed: ['The is disputed field must be true or false.'],
    });
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
