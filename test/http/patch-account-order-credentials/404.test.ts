import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderScenario } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ACCOUNT, credentialsPath, CURRENCY, expectError, ITEM, MESSAGES, snapshot } from '../post-order-complete/helpers.js';

let parley: TestParley;
const scenarios: Record<'account' | 'item' | 'currency', OrderScenario> = {} as never;
beforeAll(async () => {
  parley = await startTestParley();
  scenarios.account = await parley.fixtures.scenario('pending', { credentials: 'original' }, ACCOUNT);
  scenarios.item = await parley.fixtures.scenario('pending', {}, ITEM);
  scenarios.currency = await parley.fixtures.scenario('pending', { credentials: { login: 'c', password: 'p' } }, CURRENCY);
});
afterAll(() => parley.close());

describe('PATCH /v2/account-orders/{accountOrder}/credentials -> 404', () => {
  it('answers 404 for an id no order has, to sellers, buyers and admins alike', async () => {
    const { seller, buyer, order } = scenarios.account;
    for (const token of [seller.token, buyer.token, parley.adminToken]) {
      expectError(await parley.api.patch(credentialsPath(order.id + 100_000), { credentials: 'x' }, { token }), 404, MESSAGES.notFound);
    }
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '12abc', '%20', 'null', '99999999999999999999999'])('answers 404 for the id %j', async (id) => {
    expectError(await parley.api.patch(credentialsPath(id), { credentials: 'x' }, { token: scenarios.account.seller.token }), 404, MESSAGES.notFound);
    expectError(await parley.admin.patch(credentialsPath(id), { credentials: 'x' }), 404, MESSAGES.notFound);
  });

  it('answers 404 for the id of an item or currency order, even to its own seller, and changes nothing', async () => {
    for (const kind of [ITEM, CURRENCY]) {
      const { seller, order } = scenarios[kind.kind];
      const before = snapshot(parley, kind, order.id);
      expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'x' }, { token: seller.token }), 404, MESSAGES.notFound);
      expectError(await parley.admin.patch(credentialsPath(order.id), { credentials: 'x' }), 404, MESSAGES.notFound);
      expect(snapshot(parley, kind, order.id)).toEqual(before);
    }
  });

  it('has no credentials route for item or currency orders', async () => {
    for (const kind of [ITEM, CURRENCY]) {
      const { seller, order } = scenarios[kind.kind];
      const before = snapshot(parley, kind, order.id);
      expectError(await parley.api.patch(`${kind.path}/${order.id}/credentials`, { credentials: 'x' }, { token: seller.token }), 404, MESSAGES.notFound);
      expect(snapshot(parley, kind, order.id)).toEqual(before);
    }
  });

  it('answers 404 before validating the body', async () => {
    const token = scenarios.account.seller.token;
    for (const body of [{}, { credentials: '' }, { credentials: 7 }, { credentials: 'x'.repeat(10001) }]) {
      expectError(await parley.api.patch(credentialsPath(999_999), body, { token }), 404, MESSAGES.notFound);
      expectError(await parley.api.patch(credentialsPath('abc'), body, { token }), 404, MESSAGES.notFound);
    }
  });

  it('answers 404 rather than 403 to a stranger asking for an id no order has', async () => {
    const stranger = await parley.fixtures.user('buyer');
    expectError(await parley.api.patch(credentialsPath(424242), { credentials: 'x' }, { token: stranger.token }), 404, MESSAGES.notFound);
  });

  it('leaves the account order it was not aimed at untouched', async () => {
    const { order } = scenarios.account;
    expect(snapshot(parley, ACCOUNT, order.id).thread).toEqual([]);
  });
});
