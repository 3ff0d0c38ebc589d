import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { COMPLETABLE, completePath, expectError, MESSAGES, snapshot } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe.each(COMPLETABLE.map((k) => [k.path, k] as const))('POST %s/{id}/complete -> 401', (_path, kind) => {
  it('answers 401 without an Authorization header, and the order stays pending', async () => {
    const { order } = await parley.fixtures.scenario('pending', {}, kind);
    const before = snapshot(parley, kind, order.id);
    expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: null }), 401, MESSAGES.unauthenticated);
    expect(snapshot(parley, kind, order.id)).toEqual(before);
    expect(before.row).toMatchObject({ status: 'pending', completed_at: null });
  });

  it.each([
    ['an unknown token', 'Bearer pk_this-key-does-not-exist'],
    ['the bare scheme', 'Bearer'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a token without a scheme', 'pk_abc'],
  ])('answers 401 for %s', async (_label, header) => {
    const { order } = await parley.fixtures.scenario('pending', {}, kind);
    const before = snapshot(parley, kind, order.id);
    const res = await parley.api.post(completePath(kind, order.id), undefined, { token: null, headers: { authorization: header } });
    expectError(res, 401, MESSAGES.unauthenticated);
    expect(snapshot(parley, kind, order.id)).toEqual(before);
  });

  it("answers 401 to the seller's revoked key, at once", async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    expect((await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`)).status).toBe(204);
    const before = snapshot(parley, kind, order.id);
    expectError(await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token }), 401, MESSAGES.unauthenticated);
    expect(snapshot(parley, kind, order.id)).toEqual(before);
  });

  it('answers 401 before looking at the order: unknown, non-numeric and closed orders alike', async () => {
    const { order } = await parley.fixtures.scenario('delivered', {}, kind);
    for (const id of ['999999', 'abc', String(order.id)]) {
      expectError(await parley.api.post(completePath(kind, id), undefined, { token: null }), 401, MESSAGES.unauthenticated);
      expectError(await parley.api.post(completePath(kind, id), {}, { token: 'pk_unknown' }), 401, MESSAGES.unauthenticated);
    }
  });
});
