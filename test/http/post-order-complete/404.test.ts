import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderScenario } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ACCOUNT, COMPLETABLE, completePath, CURRENCY, expectError, ITEM, MESSAGES, snapshot } from './helpers.js';

let parley: TestParley;
const scenarios: Record<'account' | 'item' | 'currency', OrderScenario> = {} as never;
beforeAll(async () => {
  parley = await startTestParley();
  scenarios.account = await parley.fixtures.scenario('pending', {}, ACCOUNT);
  scenarios.item = await parley.fixtures.scenario('pending', {}, ITEM);
  scenarios.currency = await parley.fixtures.scenario('pending', {}, CURRENCY);
});
afterAll(() => parley.close());

describe.each(COMPLETABLE.map((k) => [k.path, k] as const))('POST %s/{id}/complete -> 404', (_path, kind) => {
  it('answers 404 for an id no order has, to sellers, buyers and admins alike', async () => {
    const own = scenarios[kind.kind];
    const unknown = own.order.id + 100_000;
    for (const token of [own.seller.token, own.buyer.token, parley.adminToken]) {
      expectError(await parley.api.post(completePath(kind, unknown), undefined, { token }), 404, MESSAGES.notFound);
    }
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '12abc', '%20', 'null', '99999999999999999999999'])('answers 404 for the id %j', async (id) => {
    const own = scenarios[kind.kind];
    expectError(await parley.api.post(completePath(kind, id), undefined, { token: own.seller.token }), 404, MESSAGES.notFound);
    expectError(await parley.admin.post(completePath(kind, id)), 404, MESSAGES.notFound);
  });

  it('answers 404 for the id of an order of another kind, even to its own seller and to the admin', async () => {
    for (const other of [ACCOUNT, ITEM, CURRENCY].filter((k) => k.kind !== kind.kind)) {
      const { seller, order } = scenarios[other.kind];
      const before = snapshot(parley, other, order.id);
      expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token }), 404, MESSAGES.notFound);
      expectError(await parley.admin.post(completePath(kind, order.id)), 404, MESSAGES.notFound);
      // The other kind's order is untouched.
      expect(snapshot(parley, other, order.id)).toEqual(before);
      expect(before.row).toMatchObject({ status: 'pending', completed_at: null });
    }
  });

  it('answers 404 rather than 403 to a stranger asking for an id no order has', async () => {
    const stranger = await parley.fixtures.user('seller');
    expectError(await parley.api.post(completePath(kind, 424242), undefined, { token: stranger.token }), 404, MESSAGES.notFound);
  });

  it('answers 404 as JSON when the client accepts anything', async () => {
    const res = await parley.api.post(completePath(kind, 'abc'), undefined, { token: scenarios[kind.kind].seller.token, headers: { accept: '*/*' } });
    expectError(res, 404, MESSAGES.notFound);
  });
});

describe('POST /v2/account-orders/{id}/complete -> 404', () => {
  it('has no complete route for account orders: 404 to the seller and the admin, and the order stays pending', async () => {
    const { seller, order } = scenarios.account;
    const before = snapshot(parley, ACCOUNT, order.id);
    expectError(await parley.api.post(completePath(ACCOUNT, order.id), undefined, { token: seller.token }), 404, MESSAGES.notFound);
    expectError(await parley.admin.post(completePath(ACCOUNT, order.id), {}), 404, MESSAGES.notFound);
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
    expect(before.row).toMatchObject({ status: 'pending', completed_at: null });
  });

  it('is not documented in the OpenAPI document either', async () => {
    const document = await (await fetch(`${parley.url}/api/openapi.json`)).json();
    const paths = Object.keys(document.paths);
    expect(paths).toContain('/v2/item-orders/{itemOrder}/complete');
    expect(paths).toContain('/v2/currency-orders/{currencyOrder}/complete');
    expect(paths.filter((p) => p.startsWith('/v2/account-orders') && p.endsWith('/complete'))).toEqual([]);
    expect(Object.keys(document.paths['/v2/item-orders/{itemOrder}/complete'])).toEqual(['post']);
  });
});
