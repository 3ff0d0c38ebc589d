import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /admin/v1/users/{user}/api-keys -> 200, 401, 403, 404', () => {
  it("lists the user's keys oldest first, revoked ones too, never a token", async () => {
    const user = await parley.fixtures.user('seller');
    const second = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'second', expires_at: 4_000_000_000 });
    expect((await parley.admin.delete(`/admin/v1/api-keys/${user.keyId}`)).status).toBe(204);
    const other = await parley.fixtures.user('seller');
    const res = await parley.admin.get(`/admin/v1/users/${user.id}/api-keys`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual([
      { id: user.keyId, name: 'test', expires_at: null, revoked_at: expect.any(Number), last_used_at: null, created_at: expect.any(Number) },
      { id: second.body.data.id, name: 'second', expires_at: 4_000_000_000, revoked_at: null, last_used_at: null, created_at: expect.any(Number) },
    ]);
    expect(res.text).not.toContain('pk_');
    expect((await parley.admin.get(`/admin/v1/users/${other.id}/api-keys`)).body.data.map((k: { id: number }) => k.id)).toEqual([other.keyId]);
  });

  it('is a 404 for a user that does not exist, 401 without a key and 403 for a non-admin key', async () => {
    expect((await parley.admin.get('/admin/v1/users/999999/api-keys')).status).toBe(404);
    expect((await parley.admin.get('/admin/v1/users/abc/api-keys')).status).toBe(404);
    const seller = await parley.fixtures.user('seller');
    expect((await parley.api.get(`/admin/v1/users/${seller.id}/api-keys`)).status).toBe(401);
    expect((await parley.api.get(`/admin/v1/users/${seller.id}/api-keys`, { token: seller.token })).status).toBe(403);
  });
});
