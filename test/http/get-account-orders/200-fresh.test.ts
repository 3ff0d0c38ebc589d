import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { listPath, setOrderTimestamps } from './helpers.js';

/**
 * A seller's list page is kept per instance and sent again only while the seller's orders stand
 * (src/http/answer-cache.ts): every page must show the orders as they are now, whatever changed
 * them: the API, a purchase, or a write beside this instance that bumps the versions as every
 * write does.
 */
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const titles = (body: { data: { title: string }[] }) => body.data.map((o) => o.title);

describe('GET /v2/account-orders -> 200 (kept pages stay current)', () => {
  it('answers the list as it stands after every kind of change, and never another seller\'s', async () => {
    const seller = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const pending = listPath({ 'filter[status]': 'pending' });
    const list = async (token: string) => {
      const res = await parley.api.get(pending, { token });
      expect(res.status).toBe(200);
      return res.body;
    };
    const a = await parley.fixtures.order(seller, buyer, { status: 'pending', title: 'A' });
    await parley.fixtures.order(other, buyer, { status: 'pending', title: 'Other' });
    expect(titles(await list(seller.token))).toEqual(['A']);
    expect(await list(seller.token)).toEqual(await list(seller.token));
    expect(titles(await list(other.token))).toEqual(['Other']);

    // A new order.
    await parley.fixtures.order(seller, buyer, { status: 'pending', title: 'B' });
    expect(titles(await list(seller.token))).toEqual(['B', 'A']);
    expect(titles(await list(other.token))).toEqual(['Other']);

    // A status change takes A out of the pending list, and the total with it.
    expect((await parley.admin.patch(`/admin/v1/account-orders/${a.id}`, { status: 'in_delivery' })).status).toBe(200);
    const afterMove = await list(seller.token);
    expect(titles(afterMove)).toEqual(['B']);
    expect(afterMove.meta.total).toBe(1);

    // A change that is no status change: A's timestamps, written beside this instance.
    const all = async () => (await parley.api.get(listPath({ sort: 'id' }), { token: seller.token })).body.data as { id: number; completed_at: unknown }[];
    expect((await all()).find((o) => o.id === a.id)!.completed_at).toBeNull();
    setOrderTimestamps(parley, a.id, { completed_at: 1_800_000_000 });
    expect((await all()).find((o) => o.id === a.id)!.completed_at).not.toBeNull();
  });
});
