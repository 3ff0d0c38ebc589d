import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uniqueName } from '../admin-post-account-orders/helpers.js';

/**
 * Creates of one username sent at once: the pre-check cannot see the others' inserts, so the
 * unique index decides, and the losers get the pre-check's own 422, not a 500.
 */

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const CONCURRENT = 30;

describe('POST /admin/v1/users -> 422 under a race', () => {
  it(`creates one user out of ${CONCURRENT} concurrent creates of one username; the others answer "taken"`, async () => {
    const username = uniqueName('race');
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => parley.admin.post('/admin/v1/users', { username, role: i % 2 ? 'seller' : 'buyer' })),
    );
    const created = answers.filter((res) => res.status === 201);
    const refused = answers.filter((res) => res.status !== 201);
    expect(created).toHaveLength(1);
    for (const res of refused) {
      expect({ status: res.status, body: res.body }).toEqual({
        status: 422,
        body: { message: 'The given data was invalid.', errors: { username: ['The username has already been taken.'] }, request_id: expect.any(String) },
      });
    }
    const rows = parley.readDb((db) => db.prepare('select id, role from users where username = ?').all(username));
    expect(rows).toEqual([{ id: created[0]!.body.data.id, role: created[0]!.body.data.role }]);
  });
});
