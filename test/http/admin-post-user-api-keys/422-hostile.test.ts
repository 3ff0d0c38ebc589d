import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows } from '../admin-post-account-orders/helpers.js';

/** Hostile input answers the same 422 (or 404 for the path's id) on both databases (docs/api.md). */

let parley: TestParley;
let userId: number;
beforeAll(async () => {
  parley = await startTestParley();
  userId = (await parley.fixtures.user('seller')).id;
});
afterAll(() => parley.close());

const LATEST = 253402300799; // 9999-12-31T23:59:59Z

async function expectErrors(rawJson: string, errors: Record<string, string[]>) {
  const before = countRows(parley, 'api_keys');
  const res = await parley.admin.post(`/admin/v1/users/${userId}/api-keys`, undefined, { raw: rawJson, headers: { 'content-type': 'application/json' } });
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(countRows(parley, 'api_keys')).toBe(before);
}

describe('POST /admin/v1/users/{user}/api-keys -> 422 for hostile input', () => {
  it.each(['1e20', '9223372036854775808', String(LATEST + 1)])('refuses expires_at %s as too far', async (value) => {
    await expectErrors(`{"name": "far", "expires_at": ${value}}`, { expires_at: [`The expires at field must not be greater than ${LATEST}.`] });
  });

  it('refuses a hugely negative expires_at as in the past', async () => {
    await expectErrors('{"name": "past", "expires_at": -1e20}', { expires_at: ['The expires at field must be a date after now.'] });
  });

  it('accepts the latest expiry, the last second of 9999', async () => {
    const res = await parley.admin.post(`/admin/v1/users/${userId}/api-keys`, { name: 'latest', expires_at: LATEST });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.expires_at).toBe(LATEST);
  });

  it('refuses a NUL character in the name', async () => {
    await expectErrors('{"name": "key\\u0000name"}', { name: ['The name field must not contain null characters.'] });
  });

  it.each(['100000000000000000000', '9223372036854775808', '1e20', '%00'])('answers 404 for the user id %s in the path', async (id) => {
    const res = await parley.admin.post(`/admin/v1/users/${id}/api-keys`, { name: 'n' });
    expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { message: 'Resource not found.', request_id: expect.any(String) } });
  });
});
