import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows, uniqueName } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function expectUnauthenticated(headers: Record<string, string> | null, token: string | null = null) {
  const before = countRows(parley, 'users');
  const username = uniqueName('nope');
  const res = await parley.api.request('POST', '/admin/v1/users', {
    token,
    json: { username, role: 'admin' },
    ...(headers ? { headers } : {}),
  });
  expect(res.status, res.text).toBe(401);
  expect(res.body).toEqual({ message: 'Unauthenticated.', request_id: expect.any(String) });
  expect(res.headers.get('x-gameboost-request-id')).toBe(res.body.request_id);
  expect(countRows(parley, 'users')).toBe(before);
  const row = parley.readDb((db) => db.prepare('select id from users where username = ?').get(username));
  expect(row).toBeUndefined();
}

describe('POST /admin/v1/users -> 401', () => {
  it('answers 401 without an Authorization header and creates nothing', async () => {
    await expectUnauthenticated(null);
  });

  it('answers 401 for an unknown token', async () => {
    await expectUnauthenticated(null, 'pk_not-a-real-token');
  });

  it('answers 401 for an admin token that is only almost right', async () => {
    await expectUnauthenticated(null, `${parley.adminToken}x`);
    await expectUnauthenticated(null, parley.adminToken.slice(0, -1));
  });

  it('answers 401 for a header that is not a bearer token', async () => {
    await expectUnauthenticated({ authorization: `Basic ${Buffer.from(`admin:${parley.adminToken}`).toString('base64')}` });
    await expectUnauthenticated({ authorization: parley.adminToken });
    await expectUnauthenticated({ authorization: 'Bearer' });
  });

  it('answers 401, not 422, for an invalid body without a key', async () => {
    const res = await parley.api.post('/admin/v1/users', { username: 'has spaces', role: 'nobody' });
    expect(res.status, res.text).toBe(401);
    expect(res.body.message).toBe('Unauthenticated.');
  });

  it('answers 401 for the revoked key of an admin user', async () => {
    const admin = await parley.fixtures.user('admin');
    const ok = await parley.api.post('/admin/v1/users', { username: uniqueName('before-revoke'), role: 'buyer' }, { token: admin.token });
    expect(ok.status, ok.text).toBe(201);

    const revoked = await parley.admin.delete(`/admin/v1/api-keys/${admin.keyId}`);
    expect(revoked.status, revoked.text).toBe(204);
    await expectUnauthenticated(null, admin.token);
  });
});
