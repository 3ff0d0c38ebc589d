import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function expectNotFound(idParam: string, body: unknown) {
  const messages = countRows(parley, 'messages');
  const res = await parley.admin.patch(`/admin/v1/account-orders/${idParam}`, body);
  expect(res.status, res.text).toBe(404);
  expect(res.body).toEqual({ message: 'Resource not found.', request_id: expect.any(String) });
  expect(countRows(parley, 'messages')).toBe(messages);
}

describe('PATCH /admin/v1/account-orders/{id} -> 404', () => {
  it('answers 404 for an order id that does not exist', async () => {
    await expectNotFound('999999', { status: 'delivered' });
  });

  it('answers 404 for the id right after the last order, and leaves that order alone', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    await expectNotFound(String(order.id + 1), { status: 'delivered' });
    const read = await parley.admin.get(`/v2/account-orders/${order.id}`);
    expect(read.body.data.status).toBe('pending');
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999999999999'])('answers 404 for the id %j', async (id) => {
    await expectNotFound(encodeURIComponent(id), { status: 'delivered' });
  });

  it('answers 404 before 422: an unknown order with an invalid body', async () => {
    await expectNotFound('999999', { status: 'shipped' });
    await expectNotFound('999999', {});
    await expectNotFound('999999', { status: 5 });
    await expectNotFound('abc', { status: null });
  });
});
