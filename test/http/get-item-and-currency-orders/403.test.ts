import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { COMPLETABLE, expectError, messagesPath, MESSAGES, orderPath } from '../post-order-complete/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe.each(COMPLETABLE.map((k) => [k.path, k] as const))('GET %s/{id} -> 403', (_path, kind) => {
  it("answers \"This action is unauthorized.\" to another seller and another buyer", async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const otherSeller = await parley.fixtures.user('seller');
    const otherBuyer = await parley.fixtures.user('buyer');
    // A buyer of the same seller, on another order.
    await parley.fixtures.order(seller, otherBuyer, {}, kind);
    for (const user of [otherSeller, otherBuyer]) {
      expectError(await parley.api.get(orderPath(kind, order.id), { token: user.token }), 403, MESSAGES.unauthorized);
    }
  });

  it.each(['delivered', 'refunded'] as const)("answers 403 to strangers on a %s order too", async (status) => {
    const { order } = await parley.fixtures.scenario(status, {}, kind);
    const stranger = await parley.fixtures.user('seller');
    expectError(await parley.api.get(orderPath(kind, order.id), { token: stranger.token }), 403, MESSAGES.unauthorized);
  });

  it("answers 403 when a seller and buyer of one order read a different pair's order", async () => {
    const mine = await parley.fixtures.scenario('pending', {}, kind);
    const theirs = await parley.fixtures.scenario('in_delivery', {}, kind);
    for (const user of [mine.seller, mine.buyer]) {
      expectError(await parley.api.get(orderPath(kind, theirs.order.id), { token: user.token }), 403, MESSAGES.unauthorized);
      expectError(await parley.api.get(messagesPath(kind, theirs.order.id), { token: user.token }), 403, MESSAGES.unauthorized);
    }
    // Their own order still reads fine.
    expect((await parley.api.get(orderPath(kind, mine.order.id), { token: mine.buyer.token })).status).toBe(200);
  });

  it('does not leak the order in the 403 body', async () => {
    const { order } = await parley.fixtures.scenario('pending', { title: 'Secret title', parameters: { note: 'hidden' } }, kind);
    const stranger = await parley.fixtures.user('buyer');
    const res = await parley.api.get(orderPath(kind, order.id), { token: stranger.token });
    expectError(res, 403, MESSAGES.unauthorized);
    expect(res.text).not.toContain('Secret title');
    expect(res.text).not.toContain('hidden');
  });
});
