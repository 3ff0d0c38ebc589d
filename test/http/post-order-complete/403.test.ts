import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { COMPLETABLE, completePath, expectError, MESSAGES, orderPath, snapshot } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe.each(COMPLETABLE.map((k) => [k.path, k] as const))('POST %s/{id}/complete -> 403', (_path, kind) => {
  it.each(['delivered', 'refunded'] as const)('answers the processing 403 to the seller and the admin on a %s order, and changes nothing', async (status) => {
    const { seller, order } = await parley.fixtures.scenario(status, {}, kind);
    const before = snapshot(parley, kind, order.id);
    expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token }), 403, MESSAGES.completeNotProcessing);
    expectError(await parley.admin.post(completePath(kind, order.id)), 403, MESSAGES.completeNotProcessing);
    expect(snapshot(parley, kind, order.id)).toEqual(before);
    const read = await parley.api.get(orderPath(kind, order.id), { token: seller.token });
    expect(read.body.data).toEqual(order);
  });

  it('answers the processing 403 to a second completion of the same order', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const first = await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token });
    expect(first.status, first.text).toBe(200);
    const before = snapshot(parley, kind, order.id);
    expect(before.thread).toHaveLength(1);
    expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token }), 403, MESSAGES.completeNotProcessing);
    expect(snapshot(parley, kind, order.id)).toEqual(before);
  });

  it.each(['pending', 'in_delivery', 'delivered', 'refunded'] as const)(
    'answers "This action is unauthorized." to the buyer of a %s order, and changes nothing',
    async (status) => {
      const { buyer, order } = await parley.fixtures.scenario(status, {}, kind);
      const before = snapshot(parley, kind, order.id);
      expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: buyer.token }), 403, MESSAGES.unauthorized);
      expect(snapshot(parley, kind, order.id)).toEqual(before);
    },
  );

  it("answers \"This action is unauthorized.\" to another seller, and to a buyer of another order", async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const otherSeller = await parley.fixtures.user('seller');
    const otherBuyer = await parley.fixtures.user('buyer');
    // A buyer of the same seller, on another order.
    await parley.fixtures.order(seller, otherBuyer, {}, kind);
    const before = snapshot(parley, kind, order.id);
    for (const user of [otherSeller, otherBuyer]) {
      expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: user.token }), 403, MESSAGES.unauthorized);
    }
    expect(snapshot(parley, kind, order.id)).toEqual(before);
  });

  it("answers \"This action is unauthorized.\" (not the processing message) on someone else's closed order", async () => {
    const { order } = await parley.fixtures.scenario('delivered', {}, kind);
    const stranger = await parley.fixtures.user('seller');
    expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: stranger.token }), 403, MESSAGES.unauthorized);
  });

  it('a refused completion leaves the order completable by its seller', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
    expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: buyer.token }), 403, MESSAGES.unauthorized);
    const res = await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.status).toBe('delivered');
  });
});
