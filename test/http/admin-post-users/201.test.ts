import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { isNow, uniqueName } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/users -> 201', () => {
  it.each(['seller', 'buyer', 'admin'] as const)('creates a %s and answers {data: {id, username, role, created_at}}', async (role) => {
    const username = uniqueName(role);
    const res = await parley.admin.post('/admin/v1/users', { username, role });
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['data']);
    expect(Object.keys(res.body.data).sort()).toEqual(['created_at', 'id', 'role', 'username']);
    expect(res.body.data).toMatchObject({ username, role });
    expect(Number.isInteger(res.body.data.id) && res.body.data.id > 0).toBe(true);
    expect(isNow(res.body.data.created_at), String(res.body.data.created_at)).toBe(true);

    const row = parley.readDb((db) => db.prepare('select id, username, role, created_at from users where id = ?').get(res.body.data.id));
    expect(row).toEqual(res.body.data);
  });

  it('gives each user its own id', async () => {
    const a = await parley.admin.post('/admin/v1/users', { username: uniqueName('a'), role: 'buyer' });
    const b = await parley.admin.post('/admin/v1/users', { username: uniqueName('b'), role: 'buyer' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.data.id).not.toBe(b.body.data.id);
  });

  it('trims the username before storing it', async () => {
    const username = uniqueName('trimmed');
    const res = await parley.admin.post('/admin/v1/users', { username: `  ${username}\n\t`, role: 'seller' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.username).toBe(username);
    const row = parley.readDb((db) => db.prepare('select username from users where id = ?').get(res.body.data.id));
    expect(row).toEqual({ username });
  });

  it('accepts letters, digits, dot, dash and underscore, and a username of 255 characters', async () => {
    const mixed = `Ab_9.x-${uniqueName('u')}`;
    const res = await parley.admin.post('/admin/v1/users', { username: mixed, role: 'buyer' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.username).toBe(mixed);

    const long = `${uniqueName('long')}_`.padEnd(255, 'x');
    expect(long).toHaveLength(255);
    const longRes = await parley.admin.post('/admin/v1/users', { username: long, role: 'buyer' });
    expect(longRes.status, longRes.text).toBe(201);
    expect(longRes.body.data.username).toBe(long);
  });

  it('ignores unknown fields', async () => {
    const username = uniqueName('extra');
    const res = await parley.admin.post('/admin/v1/users', { username, role: 'buyer', id: 424242, is_admin: true });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ username, role: 'buyer' });
    expect(res.body.data.id).not.toBe(424242);
  });

  it('accepts a form-encoded body as well as JSON', async () => {
    const username = uniqueName('form');
    const res = await parley.admin.request('POST', '/admin/v1/users', {
      raw: new URLSearchParams({ username, role: 'seller' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ username, role: 'seller' });
  });

  it('lets the API key of a user created with role admin use the admin API', async () => {
    const admin = await parley.fixtures.user('admin');
    const client = parley.api.withToken(admin.token);

    const username = uniqueName('by-admin-key');
    const user = await client.post('/admin/v1/users', { username, role: 'seller' });
    expect(user.status, user.text).toBe(201);
    expect(user.body.data).toMatchObject({ username, role: 'seller' });

    const game = await client.post('/admin/v1/games', { name: 'Admin Key Game', slug: uniqueName('admin-key-game') });
    expect(game.status, game.text).toBe(201);

    const key = await client.post(`/admin/v1/users/${user.body.data.id}/api-keys`, { name: 'issued by an admin key' });
    expect(key.status, key.text).toBe(201);
  });
});
