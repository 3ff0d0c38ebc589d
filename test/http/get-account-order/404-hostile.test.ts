import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

/** Ids no bigint (or no JavaScript number) can hold are unknown orders: 404 on both databases. */

let parley: TestParley;
let seller: TestUser;
beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
});
afterAll(() => parley.close());

describe('GET /v2/{kind}-orders/{id} -> 404 for hostile ids', () => {
  it.each(['100000000000000000000', '9223372036854775808', '9007199254740993', '1e20', '%00', '1%00'])('answers 404 for %s', async (id) => {
    for (const path of [`/v2/account-orders/${id}`, `/v2/item-orders/${id}/messages`, `/v2/currency-orders/${id}`]) {
      const res = await parley.api.get(path, { token: seller.token });
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: { message: 'Resource not found.', request_id: expect.any(String) } });
    }
  });
});
