import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows, uniqueName } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** Posts the body, expects 422 with exactly these field errors, and checks no user was created. */
async function expectErrors(body: unknown, errors: Record<string, string[]>) {
  const before = countRows(parley, 'users');
  const res = await parley.admin.post('/admin/v1/users', body);
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(countRows(parley, 'users')).toBe(before);
  return res;
}

describe('POST /admin/v1/users -> 422', () => {
  it('rejects a username that is already taken', async () => {
    const username = uniqueName('taken');
    const first = await parley.admin.post('/admin/v1/users', { username, role: 'seller' });
    expect(first.status, first.text).toBe(201);
    await expectErrors({ username, role: 'buyer' }, { username: ['The username has already been taken.'] });
  });

  it('rejects a taken username sent with surrounding spaces (compared after trimming)', async () => {
    const username = uniqueName('taken-trim');
    expect((await parley.admin.post('/admin/v1/users', { username, role: 'seller' })).status).toBe(201);
    await expectErrors({ username: `  ${username}  `, role: 'seller' }, { username: ['The username has already been taken.'] });
  });

  it('rejects the username of an existing user of another role', async () => {
    const other = await parley.fixtures.user('seller');
    await expectErrors({ username: other.username, role: 'admin' }, { username: ['The username has already been taken.'] });
  });

  it('rejects "admin", the user behind the admin token', async () => {
    await expectErrors({ username: 'admin', role: 'admin' }, { username: ['The username has already been taken.'] });
  });

  it.each(['superuser', 'Seller', 'ADMIN', 'system'])('rejects role %j', async (role) => {
    await expectErrors({ username: uniqueName('r'), role }, { role: ['The selected role is invalid.'] });
  });

  it('requires the username', async () => {
    await expectErrors({ role: 'seller' }, { username: ['The username field is required.'] });
    await expectErrors({ username: null, role: 'seller' }, { username: ['The username field is required.'] });
  });

  it.each(['', '   ', '\n\t '])('treats a blank username %j as missing', async (username) => {
    await expectErrors({ username, role: 'seller' }, { username: ['The username field is required.'] });
  });

  it('requires the role', async () => {
    await expectErrors({ username: uniqueName('norole') }, { role: ['The role field is required.'] });
    await expectErrors({ username: uniqueName('norole'), role: '  ' }, { role: ['The role field is required.'] });
  });

  it('requires both fields of an empty body, and of no body at all', async () => {
    const both = { username: ['The username field is required.'], role: ['The role field is required.'] };
    await expectErrors({}, both);
    const before = countRows(parley, 'users');
    const res = await parley.admin.request('POST', '/admin/v1/users', { raw: '', headers: { 'content-type': 'application/json' } });
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors).toEqual(both);
    expect(countRows(parley, 'users')).toBe(before);
  });

  it.each(['has space', 'semi;colon', 'slash/name', 'emoji😀', 'at@sign', 'ünïcode', 'a+b'])('rejects username %j as badly formatted', async (username) => {
    await expectErrors({ username, role: 'buyer' }, { username: ['The username field format is invalid.'] });
  });

  it('rejects a username longer than 255 characters', async () => {
    const username = 'u'.repeat(256);
    const res = await parley.admin.post('/admin/v1/users', { username, role: 'buyer' });
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors).toEqual({ username: ['The username field must not be greater than 255 characters.'] });
  });

  it('rejects a username that is not a string', async () => {
    await expectErrors({ username: 12345, role: 'buyer' }, { username: ['The username field must be a string.'] });
  });

  it('reports every invalid field at once', async () => {
    await expectErrors(
      { username: 'bad name', role: 'overlord' },
      { username: ['The username field format is invalid.'], role: ['The selected role is invalid.'] },
    );
    await expectErrors({ role: 'overlord' }, { username: ['The username field is required.'], role: ['The selected role is invalid.'] });
  });

  it('reports a taken username together with an invalid role', async () => {
    const username = uniqueName('taken-and-bad-role');
    expect((await parley.admin.post('/admin/v1/users', { username, role: 'seller' })).status).toBe(201);
    await expectErrors(
      { username, role: 'overlord' },
      { username: ['The username has already been taken.'], role: ['The selected role is invalid.'] },
    );
  });
});
