import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function expectNotFound(userParam: string, body: unknown) {
  const before = countRows(parley, 'api_keys');
  const res = await parley.admin.post(`/admin/v1/users/${userParam}/api-keys`, body);
  expect(res.status, res.text).toBe(404);
  expect(res.body).toEqual({ message: 'Resource not found.', request_id: expect.any(String) });
  expect(countRows(parley, 'api_keys')).toBe(before);
}

describe('POST /admin/v1/users/{user}/api-keys -> 404', () => {
  it('answers 404 for a user id that does not exist', async () => {
    await expectNotFound('999999', { name: 'k' });
  });

  it('answers 404 for the id right after the last user', async () => {
    const user = await parley.fixtures.user('seller');
    await expectNotFound(String(user.id + 1), { name: 'k' });
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '99999999999999999999'])('answers 404 for the id %j', async (id) => {
    await expectNotFound(encodeURIComponent(id), { name: 'k' });
  });

  it('answers 404 before 422: an unknown user with an invalid body', async () => {
    await expectNotFound('999999', { name: '', expires_at: 'tomorrow' });
    await expectNotFound('999999', { expires_at: 1 });
    await expectNotFound('999999', {});
  });
});
