import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countRows, uniqueName } from '../admin-post-account-orders/helpers.js';

/** A NUL character answers the same 422 on both databases (docs/api.md). */

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/games -> 422 for hostile input', () => {
  it('refuses a NUL character in the name, and creates nothing', async () => {
    const before = countRows(parley, 'games');
    const res = await parley.admin.post('/admin/v1/games', { name: 'Bad\u0000Game', slug: uniqueName('nul') });
    expect(res.status, res.text).toBe(422);
    expect(res.body).toEqual({
      message: 'The given data was invalid.',
      errors: { name: ['The name field must not contain null characters.'] },
      request_id: expect.any(String),
    });
    expect(countRows(parley, 'games')).toBe(before);
  });
});
