import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ACCOUNT, credentialsPath, expectError, MESSAGES, orderPath, snapshot } from '../post-order-complete/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('PATCH /v2/account-orders/{accountOrder}/credentials -> 403', () => {
  it('answers "Credentials cannot be changed on a refunded order." to the seller and the admin, and changes nothing', async () => {
    const { seller, order } = await parley.fixtures.scenario('refunded', { credentials: 'kept as is' });
    const staff = await parley.fixtures.user('admin');
    const before = snapshot(parley, ACCOUNT, order.id);
    expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'new' }, { token: seller.token }), 403, MESSAGES.credentialsRefunded);
    expectError(await parley.admin.patch(credentialsPath(order.id), { credentials: 'new' }), 403, MESSAGES.credentialsRefunded);
    expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'new' }, { token: staff.token }), 403, MESSAGES.credentialsRefunded);
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
    const read = await parley.api.get(orderPath(ACCOUNT, order.id), { token: seller.token });
    expect(read.body.data).toEqual(order);
    expect(read.body.data.credentials).toBe('kept as is');
  });

  it('refuses an order refunded after the credentials were set', async () => {
    const { seller, order } = await parley.fixtures.scenario('delivered');
    expect((await parley.api.patch(credentialsPath(order.id), { credentials: 'set once' }, { token: seller.token })).status).toBe(200);
    expect((await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'refunded' })).status).toBe(200);
    const before = snapshot(parley, ACCOUNT, order.id);
    expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'again' }, { token: seller.token }), 403, MESSAGES.credentialsRefunded);
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
  });

  it.each(['pending', 'in_delivery', 'delivered', 'refunded'] as const)(
    'answers "This action is unauthorized." to the buyer of a %s order, and changes nothing',
    async (status) => {
      const { buyer, order } = await parley.fixtures.scenario(status, { credentials: 'original' });
      const before = snapshot(parley, ACCOUNT, order.id);
      expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'buyer edit' }, { token: buyer.token }), 403, MESSAGES.unauthorized);
      expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
    },
  );

  it('answers "This action is unauthorized." to another seller and to a buyer of another order', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', { credentials: 'original' });
    const otherSeller = await parley.fixtures.user('seller');
    const otherBuyer = await parley.fixtures.user('buyer');
    await parley.fixtures.order(seller, otherBuyer);
    const before = snapshot(parley, ACCOUNT, order.id);
    for (const user of [otherSeller, otherBuyer]) {
      expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'stolen' }, { token: user.token }), 403, MESSAGES.unauthorized);
    }
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
  });

  it.each([
    ['no credentials field', {}],
    ['blank credentials', { credentials: '   ' }],
    ['non-string credentials', { credentials: 42 }],
    ['credentials over 10000 characters', { credentials: 'x'.repeat(10001) }],
  ])('answers 403 before validation: %s', async (_label, body) => {
    const refunded = await parley.fixtures.scenario('refunded');
    expectError(await parley.api.patch(credentialsPath(refunded.order.id), body, { token: refunded.seller.token }), 403, MESSAGES.credentialsRefunded);
    const pending = await parley.fixtures.scenario('pending');
    expectError(await parley.api.patch(credentialsPath(pending.order.id), body, { token: pending.buyer.token }), 403, MESSAGES.unauthorized);
    const stranger = await parley.fixtures.user('seller');
    expectError(await parley.api.patch(credentialsPath(pending.order.id), body, { token: stranger.token }), 403, MESSAGES.unauthorized);
  });

  it("answers \"This action is unauthorized.\" (not the refunded message) on someone else's refunded order", async () => {
    const { order } = await parley.fixtures.scenario('refunded');
    const stranger = await parley.fixtures.user('seller');
    expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'x' }, { token: stranger.token }), 403, MESSAGES.unauthorized);
  });
});
