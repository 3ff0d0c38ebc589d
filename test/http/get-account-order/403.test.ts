import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderScenario } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectErrorBody } from '../get-account-orders/helpers.js';

let parley: TestParley;
let mine: OrderScenario;
let theirs: OrderScenario;
beforeAll(async () => {
  parley = await startTestParley();
  mine = await parley.fixtures.scenario('pending');
  theirs = await parley.fixtures.scenario('pending');
});
afterAll(() => parley.close());

const FORBIDDEN = 'This action is unauthorized.';
const path = (id: number) => `/v2/account-orders/${id}`;

describe('GET /v2/account-orders/{accountOrder} -> 403', () => {
  it("answers 403 to another seller's key", async () => {
    expectErrorBody(await parley.api.get(path(theirs.order.id), { token: mine.seller.token }), 403, FORBIDDEN);
    expectErrorBody(await parley.api.get(path(mine.order.id), { token: theirs.seller.token }), 403, FORBIDDEN);
  });

  it("answers 403 to a buyer who did not buy the order", async () => {
    expectErrorBody(await parley.api.get(path(theirs.order.id), { token: mine.buyer.token }), 403, FORBIDDEN);
  });

  it('answers 403 to a seller who has sold to the same buyer, for an order of another seller', async () => {
    const otherSeller = await parley.fixtures.user('seller');
    await parley.fixtures.order(otherSeller, mine.buyer);
    expectErrorBody(await parley.api.get(path(mine.order.id), { token: otherSeller.token }), 403, FORBIDDEN);
  });

  it.each(['in_delivery', 'delivered', 'refunded'] as const)('answers 403 whatever the status (%s)', async (status) => {
    const other = await parley.fixtures.scenario(status);
    expectErrorBody(await parley.api.get(path(other.order.id), { token: mine.seller.token }), 403, FORBIDDEN);
    expectErrorBody(await parley.api.get(path(other.order.id), { token: mine.buyer.token }), 403, FORBIDDEN);
  });

  it('leaks nothing of the order in the 403', async () => {
    const res = await parley.api.get(path(theirs.order.id), { token: mine.seller.token });
    expectErrorBody(res, 403, FORBIDDEN);
    expect(res.text).not.toContain(theirs.order.title);
    expect(res.text).not.toContain(theirs.buyer.username);
  });

  it('answers 403 as JSON even when the client accepts anything', async () => {
    const res = await parley.api.get(path(theirs.order.id), { token: mine.buyer.token, headers: { accept: '*/*' } });
    expectErrorBody(res, 403, FORBIDDEN);
  });
});
