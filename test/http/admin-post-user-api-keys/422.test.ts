import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows, unixNow } from '../admin-post-account-orders/helpers.js';

let parley: TestParley;
let userId: number;
beforeAll(async () => {
  parley = await startTestParley();
  userId = (await parley.fixtures.user('seller')).id;
});
afterAll(() => parley.close());

async function expectErrors(body: unknown, errors: Record<string, string[]>) {
  const before = countRows(parley, 'api_keys');
  const res = await parley.admin.post(`/admin/v1/users/${userId}/api-keys`, body);
  expect(res.status, res.text).toBe(422);
  expect(res.body).toEqual({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });
  expect(countRows(parley, 'api_keys')).toBe(before);
}

describe('POST /admin/v1/users/{user}/api-keys -> 422', () => {
  it('rejects an expires_at in the past', async () => {
    await expectErrors({ name: 'old', expires_at: unixNow() - 60 }, { expires_at: ['The expires at field must be a date after now.'] });
    await expectErrors({ name: 'old', expires_at: 1 }, { expires_at: ['The expires at field must be a date after now.'] });
  });

  it('rejects an expires_at that is not a Unix timestamp', async () => {
    await expectErrors({ name: 'n', expires_at: 'tomorrow' }, { expires_at: ['The expires at field must be an integer.'] });
    await expectErrors({ name: 'n', expires_at: unixNow() + 3600.5 }, { expires_at: ['The expires at field must be an integer.'] });
    await expectErrors({ name: 'n', expires_at: true }, { expires_at: ['The expires at field must be an integer.'] });
  });

  it('requires the name', async () => {
    await expectErrors({}, { name: ['The name field is required.'] });
    await expectErrors({ name: null }, { name: ['The name field is required.'] });
    await expectErrors({ name: '   ' }, { name: ['The name field is required.'] });
  });

  it('rejects a name that is not a string or is longer than 255 characters', async () => {
    await expectErrors({ name: 42 }, { name: ['The name field must be a string.'] });
    await expectErrors({ name: 'k'.repeat(256) }, { name: ['The name field must not be greater than 255 characters.'] });
  });

  it('reports every invalid field at once', async () => {
    await expectErrors(
      { name: 7, expires_at: 'tomorrow' },
      { name: ['The name field must be a string.'], expires_at: ['The expires at field must be an integer.'] },
    );
  });

  it('reports a missing name together with an expires_at in the past', async () => {
    await expectErrors(
      { expires_at: unixNow() - 60 },
      { name: ['The name field is required.'], expires_at: ['The expires at field must be a date after now.'] },
    );
  });
});
