import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { orderRow } from '../admin-post-account-orders/helpers.js';

/** Hostile input answers the same 422 (or 404 for the path's id) on both databases (docs/api.md). */

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function expectRejected(orderId: number, rawJson: string, errors: Record<string, string[]>) {
  const row = orderRow(parley, orderId);
  const res = await parley.admin.patch(`/admin/v1/account-orders/${orderId}`, undefined, { raw: rawJson, headers: { 'content-type': 'application/json' } });
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(orderRow(parley, orderId)).toEqual(row);
}

describe('PATCH /admin/v1/account-orders/{id} -> 422 for hostile input', () => {
  it.each(['1e20', '9223372036854775808', '9007199254740992'])('refuses dispute_case_id %s as too big', async (value) => {
    const { order } = await parley.fixtures.scenario('pending');
    await expectRejected(order.id, `{"dispute_case_id": ${value}}`, { dispute_case_id: ['The dispute case id field must not be greater than 9007199254740991.'] });
  });

  it('refuses a NUL character in the rating comment and labels', async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    await expectRejected(order.id, '{"rating": {"rating": 5, "comment": "great\\u0000", "labels": ["ok", "\\u0000"]}}', {
      'rating.comment': ['The rating.comment field must not contain null characters.'],
      'rating.labels.1': ['The rating.labels.1 field must not contain null characters.'],
    });
  });

  it.each(['100000000000000000000', '18446744073709551616', '1e20'])('answers 404 for the order id %s in the path', async (id) => {
    const res = await parley.admin.patch(`/admin/v1/account-orders/${id}`, { is_disputed: true });
    expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { message: 'Resource not found.', request_id: expect.any(String) } });
  });
});
