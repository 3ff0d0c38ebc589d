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

describe.each(COMPLETABLE.map((k) => [`/v2/${k.kind}-offers/{offer}/orders`, k] as const))('GET %s -> 404 (offers)', (_path, kind) => {
  const createOffer = async (token: string) => {
    const game = await parley.fixtures.game();
    const res = await parley.api.post(`/v2/${kind.kind}-offers`, {
      game_id: game.id, title: 'An offer', description: 'x', price: '1.00', stock: 5, delivery_time: { duration: 1, unit: 'hours' },
    }, { token });
    expect(res.status, res.text).toBe(201);
    return res.body.data;
  };

  it('answers 404 for an id that names neither an offer nor an order, to sellers and admins alike', async () => {
    // Before offers existed this was an empty page: the spec now says 404 for an offer that does not exist.
    for (const token of [scenarios[kind.kind].seller.token, parley.adminToken]) {
      expectError(await parley.api.get(`/v2/${kind.kind}-offers/987654321/orders`, { token }), 404, MESSAGES.notFound);
    }
  });

  it("answers 404 for another seller's offer, even when the caller has orders under the same id", async () => {
    const owner = await parley.fixtures.user('seller');
    const offer = await createOffer(owner.token);
    // An admin-created order of another seller that happens to carry this offer id.
    const other = await parley.fixtures.scenario('pending', { [kind.offerField]: offer.id }, kind);
    expectError(await parley.api.get(`/v2/${kind.kind}-offers/${offer.id}/orders`, { token: other.seller.token }), 404, MESSAGES.notFound);
    // The owner and the admin see the offer's own (owner's) orders only: none.
    for (const token of [owner.token, parley.adminToken]) {
      const res = await parley.api.get(`/v2/${kind.kind}-offers/${offer.id}/orders`, { token });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data).toEqual([]);
    }
  });

  it("answers 404 for another kind's offer id", async () => {
    const seller = await parley.fixtures.user('seller');
    const otherKind = kind.kind === 'item' ? 'currency' : 'item';
    const res = await parley.api.post(`/v2/${otherKind}-offers`, {
      game_id: (await parley.fixtures.game()).id, title: 't', description: 'x', price: '1.00', stock: 1, delivery_time: { duration: 1, unit: 'hours' },
    }, { token: seller.token });
    expect(res.status, res.text).toBe(201);
    // Offer ids are shared by the two kinds (one table), so this id is no offer of this kind.
    expectError(await parley.api.get(`/v2/${kind.kind}-offers/${res.body.data.id}/orders`, { token: seller.token }), 404, MESSAGES.notFound);
  });
});

describe('GET /v2/account-offers/{offer}/orders -> 404', () => {
  it('has no offer list for account orders', async () => {
    const { seller, order } = scenarios.account;
    expectError(await parley.api.get(`/v2/account-offers/${order.account_offer_id}/orders`, { token: seller.token }), 404, MESSAGES.notFound);
  });
});
