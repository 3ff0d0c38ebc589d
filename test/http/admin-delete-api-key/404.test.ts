import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function expectNotFound(keyParam: string) {
  const res = await parley.admin.delete(`/admin/v1/api-keys/${keyParam}`);
  expect(res.status, res.text).toBe(404);
  expect(res.body).toEqual({ message: 'Resource not found.', request_id: expect.any(String) });
}

describe('DELETE /admin/v1/api-keys/{key} -> 404', () => {
  it('answers 404 to a second delete of the same key, which stays revoked', async () => {
    const seller = await parley.fixtures.user('seller');
    const first = await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`);
    expect(first.status, first.text).toBe(204);
    await expectNotFound(String(seller.keyId));
    expect((await parley.api.get('/v2/account-orders', { token: seller.token })).status).toBe(401);
  });

  it('answers 404 for a key id that does not exist', async () => {
    await expectNotFound('999999');
    const seller = await parley.fixtures.user('seller');
    await expectNotFound(String(seller.keyId + 1));
    // The existing key is untouched by the failed deletes.
    expect((await parley.api.get('/v2/account-orders', { token: seller.token })).status).toBe(200);
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999999999999'])('answers 404 for the id %j', async (id) => {
    await expectNotFound(encodeURIComponent(id));
  });
});
