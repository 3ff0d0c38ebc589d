import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import type { TestUser } from '../../support/fixtures.js';
import { ORDER_KIND_CASES, type OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { desc } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

function ids(res: ApiResponse): number[] {
  expect(res.status, res.text).toBe(200);
  expect(res.body.meta.total).toBe(res.body.data.length);
  return (res.body.data as Array<{ id: number }>).map((o) => o.id);
}

/** Offer ids apart from every other test's. */
let nextOffer = 700_000;

/** A seller with two orders of offer A, one of B, one of C and one that stands for its own offer. */
async function arrange(kind: OrderKindCase) {
  const seller = await parley.fixtures.user('seller');
  const buyer = await parley.fixtures.user('buyer');
  const [a, b, c] = [++nextOffer, ++nextOffer, ++nextOffer];
  const order = async (offer: number | null) =>
    (await parley.fixtures.order(seller, buyer, offer === null ? {} : { [kind.offerField]: offer }, kind)).id as number;
  const orders = { a1: await order(a), a2: await order(a), b: await order(b), c: await order(c), own: await order(null) };
  return { seller, offers: { a, b, c }, orders };
}

describe.each(ORDER_KIND_CASES)('GET /v2/$kind-orders?filter[$offerField] -> 200', (kind) => {
  let seller: TestUser;
  let offers: { a: number; b: number; c: number };
  let orders: Record<'a1' | 'a2' | 'b' | 'c' | 'own', number>;
  beforeAll(async () => {
    ({ seller, offers, orders } = await arrange(kind));
  });
  const list = (query: string) => parley.api.get(`${kind.path}?${query}&per_page=50`, { token: seller.token });

  it('lists the orders of one offer', async () => {
    expect(ids(await list(`filter[${kind.offerField}]=${offers.a}`))).toEqual(desc([orders.a1, orders.a2]));
    expect(ids(await list(`filter[${kind.offerField}]=${offers.b}`))).toEqual([orders.b]);
  });

  it('takes a comma list, with spaces, and the array form', async () => {
    const ab = desc([orders.a1, orders.a2, orders.b]);
    expect(ids(await list(`filter[${kind.offerField}]=${offers.a},${offers.b}`))).toEqual(ab);
    expect(ids(await list(`filter[${kind.offerField}]=${offers.a}%2C%20${offers.b}`))).toEqual(ab);
    expect(ids(await list(`filter[${kind.offerField}][0]=${offers.a}&filter[${kind.offerField}][1]=${offers.b}`))).toEqual(ab);
    expect(ids(await list(`filter%5B${kind.offerField}%5D=${offers.c}`))).toEqual([orders.c]);
  });

  it('finds an order created without an offer id under its own id', async () => {
    expect(ids(await list(`filter[${kind.offerField}]=${orders.own}`))).toEqual([orders.own]);
  });

  it('combines with the other filters', async () => {
    expect(ids(await list(`filter[${kind.offerField}]=${offers.a},${offers.b}&filter[id]=${orders.a2},${orders.b},${orders.c}`)))
      .toEqual(desc([orders.a2, orders.b]));
  });

  it("answers an empty page for an offer with no orders of the caller's, and for another seller's offer", async () => {
    expect(ids(await list(`filter[${kind.offerField}]=${++nextOffer}`))).toEqual([]);
    const other = await parley.fixtures.user('seller');
    const res = await parley.api.get(`${kind.path}?filter[${kind.offerField}]=${offers.a}`, { token: other.token });
    expect(ids(res)).toEqual([]);
  });

  it('treats an empty value as no filter', async () => {
    expect(ids(await list(`filter[${kind.offerField}]=`))).toHaveLength(5);
  });

  it("ignores another kind's offer filter, as any filter the list does not know", async () => {
    for (const other of ORDER_KIND_CASES.filter((c) => c.kind !== kind.kind)) {
      expect(ids(await list(`filter[${other.offerField}]=${offers.a}`))).toHaveLength(5);
      expect(ids(await list(`filter[${other.offerField}]=not-a-number`))).toHaveLength(5);
    }
  });
});

describe.each(ORDER_KIND_CASES.filter((c) => c.kind !== 'account'))('GET /v2/$kind-offers/{offer}/orders with filter[$offerField] -> 200', (kind) => {
  it('ignores the offer filter, which this list does not declare: the path names the offer', async () => {
    const { seller, offers, orders } = await arrange(kind);
    const path = `/v2/${kind.kind}-offers/${offers.a}/orders`;
    for (const value of [String(offers.b), 'x']) {
      const res = await parley.api.get(`${path}?filter[${kind.offerField}]=${value}`, { token: seller.token });
      expect(ids(res)).toEqual(desc([orders.a1, orders.a2]));
    }
  });
});
