import { afterAll, beforeAll, describe, it } from 'vitest';
import type { OrderScenario } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody } from '../get-account-orders/helpers.js';

let parley: TestParley;
let scenario: OrderScenario;
beforeAll(async () => {
  parley = await startTestParley();
  scenario = await parley.fixtures.scenario('pending');
});
afterAll(() => parley.close());

const NOT_FOUND = 'Resource not found.';
const path = (id: string) => `/v2/account-orders/${id}`;

describe('GET /v2/account-orders/{accountOrder} -> 404', () => {
  it('answers 404 for an id no order has, to sellers, buyers and admins alike', async () => {
    const unknown = String(scenario.order.id + 1000);
    for (const token of [scenario.seller.token, scenario.buyer.token, parley.adminToken]) {
      expectErrorBody(await parley.api.get(path(unknown), { token }), 404, NOT_FOUND);
    }
  });

  it.each(['abc', '0', '-1', '1.5', `1e3`, '12abc', '%20', 'null', '99999999999999999999999'])('answers 404 for the id %j', async (id) => {
    expectErrorBody(await parley.api.get(path(id), { token: scenario.seller.token }), 404, NOT_FOUND);
    expectErrorBody(await parley.api.get(path(id), { token: parley.adminToken }), 404, NOT_FOUND);
  });

  it('answers 404 rather than 403 to a stranger asking for an id no order has', async () => {
    const stranger = await parley.fixtures.user('seller');
    expectErrorBody(await parley.api.get(path('424242'), { token: stranger.token }), 404, NOT_FOUND);
  });

  it('answers 404 as JSON even when the client accepts anything', async () => {
    const res = await parley.api.get(path('abc'), { token: scenario.seller.token, headers: { accept: '*/*' } });
    expectErrorBody(res, 404, NOT_FOUND);
  });
});
