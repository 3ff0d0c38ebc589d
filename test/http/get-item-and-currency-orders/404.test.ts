import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderScenario } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ACCOUNT, COMPLETABLE, CURRENCY, expectError, ITEM, MESSAGES, orderPath } from '../post-order-complete/helpers.js';

let parley: TestParley;
const scenarios: Record<'account' | 'item' | 'currency', OrderScenario> = {} as never;
beforeAll(async () => {
  parley = await startTestParley();
  scenarios.account = await parley.fixtures.scenario('pending', {}, ACCOUNT);
  scenarios.item = await parley.fixtures.scenario('pending', {}, ITEM);
  scenarios.currency = await parley.fixtures.scenario('pending', {}, CURRENCY);
});
afterAll(() => parley.close());

const BAD_IDS = ['abc', '0', '-1', '1.5', '1e3', '12abc', '%20', 'null', '99999999999999999999999'];

describe.each(COMPLETABLE.map((k) => [k.path, k] as const))('GET %s/{id} -> 404', (_path, kind) => {
  it('answers 404 for an id no order has, to sellers, buyers and admins alike', async () => {
    const own = scenarios[kind.kind];
    for (const token of [own.seller.token, own.buyer.token, parley.adminToken]) {
      expectError(await parley.api.get(orderPath(kind, own.order.id + 100_000), { token }), 404, MESSAGES.notFound);
    }
  });

  it.each(BAD_IDS)('answers 404 for the id %j', async (id) => {
    expectError(await parley.api.get(orderPath(kind, id), { token: scenarios[kind.kind].seller.token }), 404, MESSAGES.notFound);
    expectError(await parley.api.get(orderPath(kind, id), { token: parley.adminToken }), 404, MESSAGES.notFound);
  });

  it("answers 404 for the id of another kind's order, even to its own seller, buyer and the admin", async () => {
    for (const other of [ACCOUNT, ITEM, CURRENCY].filter((k) => k.kind !== kind.kind)) {
      const { seller, buyer, order } = scenarios[other.kind];
      for (const token of [seller.token, buyer.token, parley.adminToken]) {
        expectError(await parley.api.get(orderPath(kind, order.id), { token }), 404, MESSAGES.notFound);
      }
      // It is there under its own kind.
      expect((await parley.api.get(orderPath(other, order.id), { token: seller.token })).status).toBe(200);
    }
  });

  it('answers 404 rather than 403 to a stranger asking for an id no order has', async () => {
    const stranger = await parley.fixtures.user('seller');
    expectError(await parley.api.get(orderPath(kind, 424242), { token: stranger.token }), 404, MESSAGES.notFound);
  });
});

describe.each(COMPLETABLE.map((k) => [`/v2/${k.kind}-offers/{offer}/orders`, k] as const))('GET %s -> 404', (_path, kind) => {
  it.each(BAD_IDS)('answers 404 for the offer id %j', async (id) => {
    expectError(await parley.api.get(`/v2/${kind.kind}-offers/${id}/orders`, { token: scenarios[kind.kind].seller.token }), 404, MESSAGES.notFound);
  });
});

describe('GET /v2/account-offers/{offer}/orders -> 404', () => {
  it('has no offer list for account orders', async () => {
    const { seller, order } = scenarios.account;
    expectError(await parley.api.get(`/v2/account-offers/${order.account_offer_id}/orders`, { token: seller.token }), 404, MESSAGES.notFound);
  });
});
