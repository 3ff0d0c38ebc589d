import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
let seller: TestUser;
beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
});
afterAll(() => parley.close());

const message = (name: string) => `The filter.${name} field must be a comma-separated list of integer ids.`;

describe.each(ORDER_KIND_CASES)('GET /v2/$kind-orders?filter[$offerField] -> 422', (kind) => {
  it.each(['abc', '1,,2', '1;2', '-3', '1.5', '1,x'])('rejects filter[offer id]=%j as filter[id] does', async (value) => {
    const res = await parley.api.get(`${kind.path}?filter[${kind.offerField}]=${encodeURIComponent(value)}`, { token: seller.token });
    expect(res.status, res.text).toBe(422);
    expect(res.body).toEqual({
      message: 'The given data was invalid.',
      errors: { [`filter.${kind.offerField}`]: [message(kind.offerField)] },
      request_id: expect.any(String),
    });
  });

  it('names the offer filter next to the other bad fields, also in the array form', async () => {
    const res = await parley.api.get(`${kind.path}?filter[${kind.offerField}][0]=1&filter[${kind.offerField}][1]=x&filter[id]=y&per_page=0`, { token: seller.token });
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors).toEqual({
      per_page: ['The per page field must be between 1 and 50.'],
      'filter.id': [message('id')],
      [`filter.${kind.offerField}`]: [message(kind.offerField)],
    });
  });
});
