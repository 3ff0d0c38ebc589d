import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uniqueName } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function issueKey(userId: number, name = 'k'): Promise<{ id: number; token: string }> {
  const res = await parley.admin.post(`/admin/v1/users/${userId}/api-keys`, { name });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

describe('DELETE /admin/v1/api-keys/{key} -> 204', () => {
  it('answers 204 with an empty body and the token gets 401 on /v2 at once', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const before = await parley.api.get('/v2/account-orders', { token: seller.token });
    expect(before.status, before.text).toBe(200);

    const res = await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`);
    expect(res.status, res.text).toBe(204);
    expect(res.text).toBe('');
    expect(res.body).toBeUndefined();

    for (const attempt of [
      () => parley.api.get('/v2/account-orders', { token: seller.token }),
      () => parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token }),
      () => parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token }),
      () => parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'still here?' }, { token: seller.token }),
    ]) {
      const after = await attempt();
      expect(after.status, after.text).toBe(401);
      expect(after.body).toEqual({ message: 'Unauthenticated.', request_id: expect.any(String) });
    }
    // Nothing was sent with the revoked key.
    const texts = parley.readDb((db) => db.prepare('select text from messages where order_id = ?').all(order.id));
    expect(texts).toEqual([]);
  });

  it("revokes only that key: the user's other keys keep working", async () => {
    const seller = await parley.fixtures.user('seller');
    const second = await issueKey(seller.id, 'second');
    expect((await parley.admin.delete(`/admin/v1/api-keys/${second.id}`)).status).toBe(204);
    expect((await parley.api.get('/v2/account-orders', { token: second.token })).status).toBe(401);
    const first = await parley.api.get('/v2/account-orders', { token: seller.token });
    expect(first.status, first.text).toBe(200);
  });

  it('revokes a key that was never used, and one that expires later', async () => {
    const buyer = await parley.fixtures.user('buyer', { expires_at: Math.floor(Date.now() / 1000) + 86400 });
    const unused = await issueKey(buyer.id, 'unused');
    expect((await parley.admin.delete(`/admin/v1/api-keys/${unused.id}`)).status).toBe(204);
    expect((await parley.admin.delete(`/admin/v1/api-keys/${buyer.keyId}`)).status).toBe(204);
    expect((await parley.api.get('/v2/account-orders', { token: unused.token })).status).toBe(401);
    expect((await parley.api.get('/v2/account-orders', { token: buyer.token })).status).toBe(401);
  });

  it("revokes an admin user's key: it loses the admin API at once", async () => {
    const admin = await parley.fixtures.user('admin');
    const ok = await parley.api.post('/admin/v1/users', { username: uniqueName('pre'), role: 'buyer' }, { token: admin.token });
    expect(ok.status, ok.text).toBe(201);
    expect((await parley.admin.delete(`/admin/v1/api-keys/${admin.keyId}`)).status).toBe(204);
    const denied = await parley.api.post('/admin/v1/users', { username: uniqueName('post'), role: 'buyer' }, { token: admin.token });
    expect(denied.status, denied.text).toBe(401);
    expect(denied.body.message).toBe('Unauthenticated.');
  });

  it('lets an admin-role key revoke its own key', async () => {
    const admin = await parley.fixtures.user('admin');
    const res = await parley.api.delete(`/admin/v1/api-keys/${admin.keyId}`, { token: admin.token });
    expect(res.status, res.text).toBe(204);
    expect((await parley.api.get('/v2/account-orders', { token: admin.token })).status).toBe(401);
  });

  it('leaves no usable key row behind', async () => {
    const seller = await parley.fixtures.user('seller');
    expect((await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`)).status).toBe(204);
    const row = parley.readDb((db) => db.prepare('select revoked_at from api_keys where id = ?').get(seller.keyId)) as
      | { revoked_at: number | null }
      | undefined;
    // Either the row is gone or it is marked revoked.
    if (row !== undefined) expect(row.revoked_at).not.toBeNull();
  });
});
