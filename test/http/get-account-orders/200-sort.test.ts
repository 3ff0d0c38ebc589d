import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { asc, desc, idsOf, listPath, setOrderTimestamps, utc } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

async function sorted(token: string, sort: string, extra = ''): Promise<number[]> {
  const res = await parley.api.get(listPath(`sort=${sort}&per_page=50${extra}`), { token });
  return idsOf(res);
}

const T = utc('2024-04-01T00:00:00');

/**
 * Five orders whose every sortable field is in a different order, none of them the id order.
 * delivery_time mixes units so that sorting by duration alone would give another order.
 */
const PLAN = [
  { price: '10.00', delivery: { duration: 2, unit: 'hours' }, created: 3, updated: 2, sold: 4, completed: 1 },
  { price: '50.00', delivery: { duration: 90, unit: 'minutes' }, created: 5, updated: 1, sold: 3, completed: 4 },
  { price: '30.00', delivery: { duration: 1, unit: 'days' }, created: 1, updated: 5, sold: 2, completed: 3 },
  { price: '40.00', delivery: { duration: 30, unit: 'minutes' }, created: 4, updated: 3, sold: 1, completed: 5 },
  { price: '20.00', delivery: { duration: 3, unit: 'hours' }, created: 2, updated: 4, sold: 5, completed: 2 },
] as const;

describe('GET /v2/account-orders -> 200 (sort)', () => {
  let seller: TestUser;
  let rows: Array<{ id: number; price: number; delivery: number; created: number; updated: number; sold: number; completed: number }>;

  beforeAll(async () => {
    seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    rows = [];
    for (const p of PLAN) {
      const order = await parley.fixtures.order(seller, buyer, { price: p.price, delivery_time: p.delivery, status: 'delivered' });
      setOrderTimestamps(parley, order.id, {
        created_at: T + p.created * 3600,
        updated_at: T + p.updated * 3600,
        purchased_at: T + p.sold * 3600,
        completed_at: T + p.completed * 3600,
      });
      rows.push({
        id: order.id,
        price: Number(p.price),
        delivery: order.delivery_time.seconds,
        created: p.created,
        updated: p.updated,
        sold: p.sold,
        completed: p.completed,
      });
    }
  });

  const by = (key: keyof (typeof rows)[number], direction: 'asc' | 'desc' = 'asc') =>
    [...rows].sort((a, b) => (direction === 'asc' ? a[key] - b[key] : b[key] - a[key])).map((r) => r.id);

  it('defaults to newest first (id descending)', async () => {
    const res = await parley.api.get(listPath(), { token: seller.token });
    expect(idsOf(res)).toEqual(desc(rows.map((r) => r.id)));
  });

  it('treats an empty sort as no sort (newest first)', async () => {
    expect(await sorted(seller.token, '')).toEqual(desc(rows.map((r) => r.id)));
  });

  it('sorts by id either way', async () => {
    expect(await sorted(seller.token, 'id')).toEqual(asc(rows.map((r) => r.id)));
    expect(await sorted(seller.token, '-id')).toEqual(desc(rows.map((r) => r.id)));
  });

  it('sorts by price', async () => {
    expect(await sorted(seller.token, 'price')).toEqual(by('price'));
    expect(await sorted(seller.token, '-price')).toEqual(by('price', 'desc'));
  });

  it('sorts by delivery_time as a length of time, whatever the unit', async () => {
    expect(rows.map((r) => r.delivery)).toEqual([7200, 5400, 86400, 1800, 10800]);
    expect(await sorted(seller.token, 'delivery_time')).toEqual(by('delivery'));
    expect(await sorted(seller.token, '-delivery_time')).toEqual(by('delivery', 'desc'));
  });

  it('sorts by created_at', async () => {
    expect(await sorted(seller.token, 'created_at')).toEqual(by('created'));
    expect(await sorted(seller.token, '-created_at')).toEqual(by('created', 'desc'));
  });

  it('sorts by updated_at', async () => {
    expect(await sorted(seller.token, 'updated_at')).toEqual(by('updated'));
    expect(await sorted(seller.token, '-updated_at')).toEqual(by('updated', 'desc'));
  });

  it('sorts by sold_at, which is purchased_at', async () => {
    expect(await sorted(seller.token, 'sold_at')).toEqual(by('sold'));
    expect(await sorted(seller.token, '-sold_at')).toEqual(by('sold', 'desc'));
    const res = await parley.api.get(listPath('sort=sold_at'), { token: seller.token });
    const purchased = res.body.data.map((o: any) => o.purchased_at);
    expect(purchased).toEqual([...purchased].sort((a: number, b: number) => a - b));
  });

  it('sorts by completed_at', async () => {
    expect(await sorted(seller.token, 'completed_at')).toEqual(by('completed'));
    expect(await sorted(seller.token, '-completed_at')).toEqual(by('completed', 'desc'));
  });

  it('sorts within the filtered set and pages the sorted result', async () => {
    const cheapestFirst = by('price');
    const page1 = await parley.api.get(listPath('sort=price&per_page=2'), { token: seller.token });
    const page2 = await parley.api.get(listPath('sort=price&per_page=2&page=2'), { token: seller.token });
    const page3 = await parley.api.get(listPath('sort=price&per_page=2&page=3'), { token: seller.token });
    expect([...idsOf(page1), ...idsOf(page2), ...idsOf(page3)]).toEqual(cheapestFirst);
    const some = [rows[0]!.id, rows[2]!.id, rows[4]!.id];
    expect(await sorted(seller.token, '-price', `&filter[id]=${some.join(',')}`)).toEqual(by('price', 'desc').filter((id) => some.includes(id)));
  });

  it('reads sort from a percent-encoded query like a plain one', async () => {
    expect(await sorted(seller.token, '%2Dprice')).toEqual(by('price', 'desc'));
    expect(await sorted(seller.token, 'price%2C-id')).toEqual(by('price'));
  });
});

describe('GET /v2/account-orders -> 200 (sort by several keys)', () => {
  let seller: TestUser;
  let rows: Array<{ id: number; price: number; delivery: number }>;

  beforeAll(async () => {
    seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const plan: Array<[string, number]> = [
      ['10.00', 3], ['20.00', 1], ['10.00', 1], ['20.00', 5], ['10.00', 2], ['20.00', 1],
    ];
    rows = [];
    for (const [price, hours] of plan) {
      const order = await parley.fixtures.order(seller, buyer, { price, delivery_time: { duration: hours, unit: 'hours' } });
      rows.push({ id: order.id, price: Number(price), delivery: hours });
    }
  });

  /** Sorts rows by [key, direction] pairs, the way the API should. */
  const by = (...keys: Array<[keyof (typeof rows)[number], 1 | -1]>) =>
    [...rows]
      .sort((a, b) => {
        for (const [key, dir] of keys) if (a[key] !== b[key]) return (a[key] - b[key]) * dir;
        return 0;
      })
      .map((r) => r.id);

  it('takes a comma list, applying each key in turn', async () => {
    expect(await sorted(seller.token, 'price,-delivery_time')).toEqual(by(['price', 1], ['delivery', -1], ['id', 1]));
    expect(await sorted(seller.token, '-price,delivery_time,-id')).toEqual(by(['price', -1], ['delivery', 1], ['id', -1]));
    expect(await sorted(seller.token, 'price,-id')).toEqual(by(['price', 1], ['id', -1]));
    expect(await sorted(seller.token, '-price,id')).toEqual(by(['price', -1], ['id', 1]));
    expect(await sorted(seller.token, 'delivery_time,price,id')).toEqual(by(['delivery', 1], ['price', 1], ['id', 1]));
  });

  it('orders ties the same way on every request', async () => {
    const first = await sorted(seller.token, 'price');
    const prices = first.map((id) => rows.find((r) => r.id === id)!.price);
    expect(prices).toEqual([10, 10, 10, 20, 20, 20]);
    for (let i = 0; i < 3; i++) expect(await sorted(seller.token, 'price')).toEqual(first);
  });
});
