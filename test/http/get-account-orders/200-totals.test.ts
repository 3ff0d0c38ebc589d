import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { listPath } from './helpers.js';

/**
 * `meta.total` of a list filtered by status at most comes from the order_counts table, kept in
 * the transaction of every order insert and status change; any other filter counts rows. Both
 * must give the same totals as counting the orders themselves, after every kind of change.
 */
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const STATUSES = ['pending', 'in_delivery', 'delivered', 'refunded'] as const;

function countedByGroup(): string[] {
  return parley.readDb((db) =>
    (db.prepare('select kind, seller_id, status, count(*) as n from orders group by kind, seller_id, status').all() as Record<string, unknown>[])
      .map((r) => `${r.kind}/${r.seller_id}/${r.status}=${Number(r.n)}`).sort());
}
function counterTable(): string[] {
  return parley.readDb((db) =>
    (db.prepare('select kind, seller_id, status, n from order_counts where n <> 0').all() as Record<string, unknown>[])
      .map((r) => `${r.kind}/${r.seller_id}/${r.status}=${Number(r.n)}`).sort());
}

describe('GET /v2/account-orders -> 200 (totals)', () => {
  it('gives the counted totals after creates, status moves and completion, for every status filter', async () => {
    const seller = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const expected: Record<string, number> = { pending: 0, in_delivery: 0, delivered: 0, refunded: 0 };
    const ids: { id: number; status: (typeof STATUSES)[number] }[] = [];
    for (let i = 0; i < 12; i++) {
      const status = STATUSES[i % 4]!;
      ids.push({ id: (await parley.fixtures.order(seller, buyer, { status })).id, status });
      expected[status]! += 1;
    }
    // Another seller's orders, and an item order of this seller, count elsewhere.
    await parley.fixtures.order(other, buyer, { status: 'pending' });
    await parley.fixtures.order(seller, buyer, { status: 'pending' }, kindCase('item'));

    // The operator moves three.
    const move = async (index: number, status: (typeof STATUSES)[number]) => {
      const res = await parley.admin.patch(`/admin/v1/account-orders/${ids[index]!.id}`, { status });
      expect(res.status, res.text).toBe(200);
      expected[ids[index]!.status]! -= 1;
      expected[status]! += 1;
      ids[index]!.status = status;
    };
    await move(0, 'refunded'); // pending -> refunded
    await move(1, 'delivered'); // in_delivery -> delivered
    await move(ids.findIndex((o) => o.status === 'pending'), 'in_delivery');
    // Completing an item order moves the item counters, not the account ones.
    const item = await parley.fixtures.order(seller, buyer, { status: 'in_delivery' }, kindCase('item'));
    const completed = await parley.api.post(`/v2/item-orders/${item.id}/complete`, undefined, { token: seller.token });
    expect(completed.status, completed.text).toBe(200);
    // A credentials change (an order write that leaves the status alone) moves nothing (ids[5] is in_delivery).
    const credentials = await parley.api.patch(`/v2/account-orders/${ids[5]!.id}/credentials`, { credentials: 'user / pass' }, { token: seller.token });
    expect(credentials.status, credentials.text).toBe(200);

    const total = async (query: string) => {
      const res = await parley.api.get(listPath(query), { token: seller.token });
      expect(res.status, res.text).toBe(200);
      return res.body.meta.total as number;
    };
    expect(await total('')).toBe(12);
    for (const status of STATUSES) expect(await total(`filter[status]=${status}`), status).toBe(expected[status]);
    expect(await total('filter[status]=pending,refunded')).toBe(expected.pending! + expected.refunded!);
    // A filter the counter table cannot answer counts rows, and agrees.
    expect(await total(`filter[status]=delivered&filter[buyer_id]=${buyer.id}`)).toBe(expected.delivered);

    // Admin keys list every seller's orders of the kind.
    const all = await parley.admin.get(listPath('filter[status]=pending'));
    expect(all.body.meta.total).toBe(expected.pending! + 1);

    expect(counterTable()).toEqual(countedByGroup());
  });
});
