import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows } from '../admin-post-account-orders/helpers.js';

/** A NUL character answers the same 422 on both databases (docs/api.md). */

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function expectErrors(raw: string, contentType: string, errors: Record<string, string[]>) {
  const before = countRows(parley, 'users');
  const res = await parley.admin.post('/admin/v1/users', undefined, { raw, headers: { 'content-type': contentType } });
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(countRows(parley, 'users')).toBe(before);
}

describe('POST /admin/v1/users -> 422 for hostile input', () => {
  const nul = 'The username field must not contain null characters.';
  const format = 'The username field format is invalid.';

  it('refuses a NUL character in a JSON username', async () => {
    await expectErrors('{"username": "nul\\u0000user", "role": "seller"}', 'application/json', { username: [format, nul] });
  });

  it('refuses a NUL character in a form field', async () => {
    await expectErrors('username=nul%00user&role=seller', 'application/x-www-form-urlencoded', { username: [format, nul] });
  });

  it('refuses a NUL character as the role (not one of the roles)', async () => {
    await expectErrors('{"username": "fine-name", "role": "seller\\u0000"}', 'application/json', { role: ['The selected role is invalid.'] });
  });
});
