import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ACCOUNT, credentialsPath, expectError, MESSAGES, snapshot } from '../post-order-complete/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('PATCH /v2/account-orders/{accountOrder}/credentials -> 401', () => {
  it('answers 401 without an Authorization header, and changes nothing', async () => {
    const { order } = await parley.fixtures.scenario('pending', { credentials: 'original' });
    const before = snapshot(parley, ACCOUNT, order.id);
    expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'new' }, { token: null }), 401, MESSAGES.unauthenticated);
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
  });

  it.each([
    ['an unknown token', 'Bearer pk_this-key-does-not-exist'],
    ['the bare scheme', 'Bearer'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a token without a scheme', 'pk_abc'],
  ])('answers 401 for %s', async (_label, header) => {
    const { order } = await parley.fixtures.scenario('pending', { credentials: 'original' });
    const before = snapshot(parley, ACCOUNT, order.id);
    const res = await parley.api.patch(credentialsPath(order.id), { credentials: 'new' }, { token: null, headers: { authorization: header } });
    expectError(res, 401, MESSAGES.unauthenticated);
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
  });

  it("answers 401 to the seller's revoked key, at once", async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', { credentials: 'original' });
    expect((await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`)).status).toBe(204);
    const before = snapshot(parley, ACCOUNT, order.id);
    expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'new' }, { token: seller.token }), 401, MESSAGES.unauthenticated);
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
  });

  it('answers 401 before looking at the order or the body', async () => {
    const { order } = await parley.fixtures.scenario('refunded');
    for (const id of ['999999', 'abc', String(order.id)]) {
      for (const body of [{ credentials: 'x' }, {}, { credentials: 5 }]) {
        expectError(await parley.api.patch(credentialsPath(id), body, { token: null }), 401, MESSAGES.unauthenticated);
        expectError(await parley.api.patch(credentialsPath(id), body, { token: 'pk_unknown' }), 401, MESSAGES.unauthenticated);
      }
    }
  });
});
