import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectValidationError, idsOf, listPath } from './helpers.js';

let parley: TestParley;
let seller: TestUser;
let orderId: number;
beforeAll(async () => {
  parley = await startTestParley();
  const scenario = await parley.fixtures.scenario('pending');
  seller = scenario.seller;
  orderId = scenario.order.id;
});
afterAll(() => parley.close());

const SORT = 'The selected sort is invalid. Allowed: id, price, delivery_time, created_at, updated_at, sold_at, completed_at (prefix - for descending).';
const get = (query: string) => parley.api.get(listPath(query), { token: seller.token });

/** Found by the fuzz suite (seed 424242): `sort=__proto__` answered 500 on both databases. */
describe('GET /v2/account-orders with names of Object.prototype', () => {
  it.each(['__proto__', '-__proto__', 'constructor', '-constructor', 'toString', 'hasOwnProperty', 'id,__proto__'])(
    'refuses sort=%s as any unknown sort',
    async (sort) => {
      expectValidationError(await get(`sort=${encodeURIComponent(sort)}`), { sort: [SORT] });
    },
  );

  it.each(['__proto__', 'constructor', 'toString'])('ignores filter[%s] as any unknown filter', async (name) => {
    const res = await get(`filter[${name}]=x`);
    expect(res.status, res.text).toBe(200);
    expect(idsOf(res)).toEqual([orderId]);
  });
});
