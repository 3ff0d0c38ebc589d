import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { isNow, unixNow, uniqueName } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function newUser(role: 'seller' | 'buyer' | 'admin'): Promise<{ id: number; username: string }> {
  const res = await parley.admin.post('/admin/v1/users', { username: uniqueName(role), role });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

function keyRow(id: number): Record<string, unknown> | undefined {
  return parley.readDb((db) => db.prepare('select * from api_keys where id = ?').get(id) as Record<string, unknown> | undefined);
}

describe('POST /admin/v1/users/{user}/api-keys -> 201', () => {
  it('answers {data: {id, name, token, expires_at, created_at}} for a key that never expires', async () => {
    const user = await newUser('seller');
    const res = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'Production' });
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['data']);
    expect(Object.keys(res.body.data).sort()).toEqual(['created_at', 'expires_at', 'id', 'name', 'token']);
    expect(res.body.data).toMatchObject({ name: 'Production', expires_at: null });
    expect(Number.isInteger(res.body.data.id) && res.body.data.id > 0).toBe(true);
    expect(typeof res.body.data.token).toBe('string');
    expect(res.body.data.token.length).toBeGreaterThanOrEqual(32);
    expect(isNow(res.body.data.created_at), String(res.body.data.created_at)).toBe(true);

    const row = keyRow(res.body.data.id);
    expect(row).toMatchObject({ user_id: user.id, name: 'Production', expires_at: null, revoked_at: null, created_at: res.body.data.created_at });
  });

  it('accepts expires_at: null as "never expires"', async () => {
    const user = await newUser('buyer');
    const res = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'n', expires_at: null });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.expires_at).toBeNull();
  });

  it('keeps an expires_at in the future and the key works until then', async () => {
    const user = await newUser('seller');
    const expiresAt = unixNow() + 3600;
    const res = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'short-lived', expires_at: expiresAt });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.expires_at).toBe(expiresAt);
    expect(keyRow(res.body.data.id)).toMatchObject({ expires_at: expiresAt });
    const list = await parley.api.get('/v2/account-orders', { token: res.body.data.token });
    expect(list.status, list.text).toBe(200);
  });

  it('trims the name', async () => {
    const user = await newUser('seller');
    const res = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: '  CI key \n' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.name).toBe('CI key');
  });

  it('issues a token that authenticates on /v2 as that user', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const res = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'second key' });
    expect(res.status, res.text).toBe(201);
    const token: string = res.body.data.token;

    const list = await parley.api.get('/v2/account-orders', { token });
    expect(list.status, list.text).toBe(200);
    expect(list.body.data.map((o: { id: number }) => o.id)).toEqual([order.id]);

    const sent = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'hello from key two' }, { token });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.data.sender).toEqual({ id: seller.id, username: seller.username, is_admin: null });

    // The first key keeps working: a user may hold several keys.
    const withFirst = await parley.api.get('/v2/account-orders', { token: seller.token });
    expect(withFirst.status).toBe(200);
    // And the buyer's key does not see the seller's sales list.
    const asBuyer = await parley.api.get('/v2/account-orders', { token: buyer.token });
    expect(asBuyer.status).toBe(200);
    expect(asBuyer.body.data).toEqual([]);
  });

  it('issues a different token and id every time', async () => {
    const user = await newUser('seller');
    const a = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'same name' });
    const b = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'same name' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.data.token).not.toBe(b.body.data.token);
    expect(a.body.data.id).not.toBe(b.body.data.id);
  });

  it('stores only a hash: the token appears nowhere in api_keys', async () => {
    const user = await newUser('seller');
    const res = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'secret' });
    expect(res.status, res.text).toBe(201);
    const token: string = res.body.data.token;
    const rows = parley.readDb((db) => db.prepare('select * from api_keys').all() as Array<Record<string, unknown>>);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const value of Object.values(row)) {
        if (typeof value === 'string') {
          expect(value).not.toContain(token);
          // Not a reversible encoding of it either.
          expect(value).not.toContain(Buffer.from(token).toString('base64'));
          expect(value).not.toContain(Buffer.from(token).toString('hex'));
        }
      }
    }
    const row = keyRow(res.body.data.id)!;
    expect(typeof row.token_hash).toBe('string');
    expect((row.token_hash as string).length).toBeGreaterThan(0);
  });

  it('sets last_used_at once the key is used', async () => {
    const user = await newUser('seller');
    const res = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'tracked' });
    expect(res.status, res.text).toBe(201);
    expect(keyRow(res.body.data.id)!.last_used_at).toBeNull();

    const list = await parley.api.get('/v2/account-orders', { token: res.body.data.token });
    expect(list.status, list.text).toBe(200);
    const lastUsed = keyRow(res.body.data.id)!.last_used_at;
    expect(isNow(lastUsed), String(lastUsed)).toBe(true);
  });

  it('issues a key for an admin user that works on the admin API', async () => {
    const admin = await newUser('admin');
    const res = await parley.admin.post(`/admin/v1/users/${admin.id}/api-keys`, { name: 'ops' });
    expect(res.status, res.text).toBe(201);
    const created = await parley.api.post('/admin/v1/users', { username: uniqueName('via-issued'), role: 'buyer' }, { token: res.body.data.token });
    expect(created.status, created.text).toBe(201);
  });
});
