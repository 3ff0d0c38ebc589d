import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows, uniqueName } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/users -> 403', () => {
  it.each(['seller', 'buyer'] as const)("answers 403 to a %s's key and creates nothing", async (role) => {
    const user = await parley.fixtures.user(role);
    const before = countRows(parley, 'users');
    const username = uniqueName('escalate');
    const res = await parley.api.post('/admin/v1/users', { username, role: 'admin' }, { token: user.token });
    expect(res.status, res.text).toBe(403);
    expect(res.body).toEqual({ message: 'This action is unauthorized.', request_id: expect.any(String) });
    expect(countRows(parley, 'users')).toBe(before);
    expect(parley.readDb((db) => db.prepare('select id from users where username = ?').get(username))).toBeUndefined();
  });

  it.each(['seller', 'buyer'] as const)('answers 403, not 422, to a %s key sending an invalid body', async (role) => {
    const user = await parley.fixtures.user(role);
    const res = await parley.api.post('/admin/v1/users', { username: '', role: 'nobody' }, { token: user.token });
    expect(res.status, res.text).toBe(403);
    expect(res.body.message).toBe('This action is unauthorized.');
  });

  it('keeps the non-admin key working on /v2 (403 is about the route, not the key)', async () => {
    const seller = await parley.fixtures.user('seller');
    const denied = await parley.api.post('/admin/v1/users', { username: uniqueName('x'), role: 'buyer' }, { token: seller.token });
    expect(denied.status).toBe(403);
    const list = await parley.api.get('/v2/account-orders', { token: seller.token });
    expect(list.status, list.text).toBe(200);
  });

  it.each([
    ['POST', '/admin/v1/games', { name: 'G', slug: 'forbidden-game' }],
    ['POST', '/admin/v1/users/1/api-keys', { name: 'k' }],
    ['DELETE', '/admin/v1/api-keys/1', undefined],
    ['POST', '/admin/v1/account-orders', { seller_id: 1, buyer_id: 1, title: 't' }],
    ['PATCH', '/admin/v1/account-orders/1', { status: 'delivered' }],
  ] as const)('answers 403 to a seller key on %s %s too', async (method, path, json) => {
    const seller = await parley.fixtures.user('seller');
    const res = await parley.api.request(method, path, { token: seller.token, json });
    expect(res.status, res.text).toBe(403);
    expect(res.body.message).toBe('This action is unauthorized.');
  });
});
