import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uniqueName } from '../admin-post-account-orders/helpers.js';

/**
 * Creates of one game slug sent at once: the unique index decides, and the losers get the
 * pre-check's own 422, not a 500.
 */

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const CONCURRENT = 30;

describe('POST /admin/v1/games -> 422 under a race', () => {
  it(`creates one game out of ${CONCURRENT} concurrent creates of one slug; the others answer "taken"`, async () => {
    const slug = uniqueName('race');
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => parley.admin.post('/admin/v1/games', { name: `Game ${i}`, slug })),
    );
    const created = answers.filter((res) => res.status === 201);
    expect(created).toHaveLength(1);
    for (const res of answers.filter((r) => r.status !== 201)) {
      expect({ status: res.status, body: res.body }).toEqual({
        status: 422,
        body: { message: 'The given data was invalid.', errors: { slug: ['The slug has already been taken.'] }, request_id: expect.any(String) },
      });
    }
    const rows = parley.readDb((db) => db.prepare('select id, name from games where slug = ?').all(slug));
    expect(rows).toEqual([{ id: created[0]!.body.data.id, name: created[0]!.body.data.name }]);
  });
});
