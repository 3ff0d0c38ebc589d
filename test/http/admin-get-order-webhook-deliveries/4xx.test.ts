import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, NOT_FOUND, UNAUTHORIZED } from '../admin-webhook-endpoints/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley?.close());

describe('GET /admin/v1/{kind}-orders/{id}/webhook-deliveries refused', () => {
  it('answers 404 for no such order, another kind\'s id, or an id that is no id', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    for (const path of ['/admin/v1/account-orders/999999', `/admin/v1/item-orders/${order.id}`, '/admin/v1/account-orders/abc', '/admin/v1/account-orders/0']) {
      expectError(await parley.admin.get(`${path}/webhook-deliveries`), 404, NOT_FOUND);
    }
  });

  it('answers 403 to the order\'s own seller and buyer: it is the operator API', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    for (const token of [seller.token, buyer.token]) {
      expectError(await parley.api.get(`/admin/v1/account-orders/${order.id}/webhook-deliveries`, { token }), 403, UNAUTHORIZED);
    }
  });

  it('answers 401 without a key', async () => {
    const res = await parley.api.get('/admin/v1/account-orders/1/webhook-deliveries');
    expect({ status: res.status, message: res.body.message }).toEqual({ status: 401, message: 'Unauthenticated.' });
  });
});
