import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { asc, desc, idsOf, listPath, setOrderTimestamps, utc, type OrderTimestampColumn } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** The ids a seller's list answers for a query, over one page of 50. */
async function listed(token: string, query: string): Promise<number[]> {
  const res = await parley.api.get(listPath(query === '' ? 'per_page=50' : `${query}&per_page=50`), { token });
  const ids = idsOf(res);
  expect(res.body.meta.total).toBe(ids.length);
  return ids;
}

describe('GET /v2/account-orders -> 200 (filter[search])', () => {
  // Runs first in a fresh database, so the ids start small and some contain others as substrings.
  let seller: TestUser;
  const ids: number[] = [];
  const titled: Record<string, number> = {};
  beforeAll(async () => {
    seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    for (let i = 0; i < 12; i++) ids.push((await parley.fixtures.order(seller, buyer, { title: `Plain account ${'abcdefghijkl'[i]}` })).id);
    const titles = [
      'Ancient DRAGON Slayer',
      'Discount %off deal',
      'Discount off deal',
      'main_acc smurf',
      'mainxacc smurf',
      'back\\slash account',
      'ÉLITE ranked account',
    ];
    for (const title of titles) titled[title] = (await parley.fixtures.order(seller, buyer, { title })).id;
  });

  it('matches the id exactly, not ids that merely contain it', async () => {
    // Find an id whose digits occur inside another id of this seller (1 and 10, 11, 12 in a fresh database).
    const all = [...ids, ...Object.values(titled)];
    const short = all.find((a) => all.some((b) => b !== a && String(b).includes(String(a))));
    expect(short, `no id inside another among ${all}`).toBeDefined();
    expect(await listed(seller.token, `filter[search]=${short}`)).toEqual([short]);
  });

  it('matches part of the title case-insensitively', async () => {
    const dragon = titled['Ancient DRAGON Slayer']!;
    expect(await listed(seller.token, 'filter[search]=dragon')).toEqual([dragon]);
    expect(await listed(seller.token, 'filter[search]=dRaGoN%20sLa')).toEqual([dragon]);
    expect(await listed(seller.token, 'filter[search]=ANCIENT')).toEqual([dragon]);
    expect(desc(await listed(seller.token, 'filter[search]=plain%20ACCOUNT'))).toEqual(desc(ids));
  });

  it('matches non-ASCII letters case-insensitively too', async () => {
    expect(await listed(seller.token, `filter[search]=${encodeURIComponent('ÉLITE')}`)).toEqual([titled['ÉLITE ranked account']]);
    expect(await listed(seller.token, `filter[search]=${encodeURIComponent('élite')}`)).toEqual([titled['ÉLITE ranked account']]);
  });

  it('treats % and _ in the search as literal characters, not wildcards', async () => {
    expect(await listed(seller.token, 'filter[search]=%25off')).toEqual([titled['Discount %off deal']]);
    expect(await listed(seller.token, 'filter[search]=n_a')).toEqual([titled['main_acc smurf']]);
    expect(await listed(seller.token, 'filter[search]=%25')).toEqual([titled['Discount %off deal']]);
    expect(await listed(seller.token, 'filter[search]=_')).toEqual([titled['main_acc smurf']]);
    expect(await listed(seller.token, `filter[search]=${encodeURIComponent('\\')}`)).toEqual([titled['back\\slash account']]);
  });

  it('finds nothing when neither id nor title matches', async () => {
    expect(await listed(seller.token, 'filter[search]=nothing-like-this')).toEqual([]);
    expect(await listed(seller.token, 'filter[search]=999999')).toEqual([]);
  });

  it("never finds another seller's order by its id", async () => {
    const other = await parley.fixtures.scenario('pending', { title: 'Plain account z' });
    expect(await listed(seller.token, `filter[search]=${other.order.id}`)).toEqual([]);
    expect(await listed(other.seller.token, `filter[search]=${other.order.id}`)).toEqual([other.order.id]);
  });
});

describe('GET /v2/account-orders -> 200 (whose orders)', () => {
  it("lists only the caller's sales, never another seller's", async () => {
    const a = await parley.fixtures.user('seller');
    const b = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const aIds = [await parley.fixtures.order(a, buyer), await parley.fixtures.order(a, buyer), await parley.fixtures.order(a, buyer)].map((o) => o.id);
    const bIds = [await parley.fixtures.order(b, buyer), await parley.fixtures.order(b, buyer)].map((o) => o.id);
    expect(await listed(a.token, '')).toEqual(desc(aIds));
    expect(await listed(b.token, '')).toEqual(desc(bIds));
    // Even when asked for by id, buyer or search.
    expect(await listed(a.token, `filter[id]=${bIds.join(',')}`)).toEqual([]);
    expect(await listed(a.token, `filter[buyer_id]=${buyer.id}`)).toEqual(desc(aIds));
  });

  it('shows a buyer none of the orders it bought', async () => {
    const { buyer, order } = await parley.fixtures.scenario('pending');
    expect(await listed(buyer.token, '')).toEqual([]);
    expect(await listed(buyer.token, `filter[id]=${order.id}`)).toEqual([]);
    expect(await listed(buyer.token, `filter[buyer_id]=${buyer.id}`)).toEqual([]);
  });

  it('shows the admin token and admin keys every order of every seller', async () => {
    const one = await parley.fixtures.scenario('pending');
    const two = await parley.fixtures.scenario('refunded');
    const total = parley.readDb((db) => (db.prepare('select count(*) as n from orders').get() as { n: number }).n);
    const adminUser = await parley.fixtures.user('admin');
    for (const token of [parley.adminToken, adminUser.token]) {
      const res = await parley.api.get(listPath('per_page=50'), { token });
      expect(res.status).toBe(200);
      expect(res.body.meta.total).toBe(total);
      expect(await listed(token, `filter[id]=${one.order.id},${two.order.id}`)).toEqual(desc([one.order.id, two.order.id]));
      expect(await listed(token, `filter[buyer_id]=${two.buyer.id}`)).toEqual([two.order.id]);
    }
  });

  it('serves each order in the same shape as GET /v2/account-orders/{id}', async () => {
    const { seller, order } = await parley.fixtures.scenario('delivered', {
      title: 'Shape check',
      price: '1234.5',
      delivery_time: { duration: 2, unit: 'hours' },
      parameters: { rank: 'Gold' },
      image_urls: ['https://example.com/a.png'],
      credentials: 'user:pass',
    });
    const list = await parley.api.get(listPath(`filter[id]=${order.id}`), { token: seller.token });
    const one = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
    expect(one.status).toBe(200);
    expect(list.body.data).toEqual([one.body.data]);
    expect(list.body.data[0]).toEqual(order);
  });
});

describe('GET /v2/account-orders -> 200 (id, buyer, game and status filters)', () => {
  let seller: TestUser;
  let b1: TestUser;
  let b2: TestUser;
  const games: Array<{ id: number }> = [];
  /** id -> { buyer, game index, status } */
  const orders: Array<{ id: number; buyer: number; game: number; status: string }> = [];
  let foreignOrder: { id: number; gameId: number; buyerId: number };

  beforeAll(async () => {
    seller = await parley.fixtures.user('seller');
    b1 = await parley.fixtures.user('buyer');
    b2 = await parley.fixtures.user('buyer');
    for (const name of ['G one', 'G two', 'G three']) games.push(await parley.fixtures.game(name));
    const plan: Array<[TestUser, number, string]> = [
      [b1, 0, 'pending'],
      [b2, 1, 'in_delivery'],
      [b1, 2, 'delivered'],
      [b2, 0, 'refunded'],
      [b1, 1, 'pending'],
      [b2, 2, 'delivered'],
      [b1, 0, 'in_delivery'],
    ];
    for (const [buyer, game, status] of plan) {
      const o = await parley.fixtures.order(seller, buyer, { game_id: games[game]!.id, status });
      orders.push({ id: o.id, buyer: buyer.id, game, status });
    }
    // Another seller selling to the same buyer in the same game: never in this seller's list.
    const otherSeller = await parley.fixtures.user('seller');
    const o = await parley.fixtures.order(otherSeller, b1, { game_id: games[1]!.id, status: 'pending' });
    foreignOrder = { id: o.id, gameId: games[1]!.id, buyerId: b1.id };
  });

  const where = (pred: (o: (typeof orders)[number]) => boolean) => desc(orders.filter(pred).map((o) => o.id));

  it('filter[id] takes one id or a comma list', async () => {
    const [first, , third, , fifth] = orders;
    expect(await listed(seller.token, `filter[id]=${third!.id}`)).toEqual([third!.id]);
    expect(await listed(seller.token, `filter[id]=${first!.id},${fifth!.id},${third!.id}`)).toEqual(desc([first!.id, third!.id, fifth!.id]));
    expect(await listed(seller.token, `filter[id]=${first!.id},${foreignOrder.id},999999`)).toEqual([first!.id]);
  });

  it('filter[id] takes an array and tolerates spaces around the commas', async () => {
    const [first, second] = orders;
    expect(await listed(seller.token, `filter[id][]=${first!.id}&filter[id][]=${second!.id}`)).toEqual(desc([first!.id, second!.id]));
    expect(await listed(seller.token, `filter[id]=${first!.id}%2C%20${second!.id}`)).toEqual(desc([first!.id, second!.id]));
  });

  it('filter[buyer_id] takes one id or a comma list', async () => {
    expect(await listed(seller.token, `filter[buyer_id]=${b1.id}`)).toEqual(where((o) => o.buyer === b1.id));
    expect(await listed(seller.token, `filter[buyer_id]=${b2.id}`)).toEqual(where((o) => o.buyer === b2.id));
    expect(await listed(seller.token, `filter[buyer_id]=${b1.id},${b2.id}`)).toEqual(where(() => true));
  });

  it('filter[game_id] takes a comma list, an indexed array, an [] array and percent-encoded brackets', async () => {
    const g2 = games[1]!.id;
    const g3 = games[2]!.id;
    const expected = where((o) => o.game === 1 || o.game === 2);
    expect(await listed(seller.token, `filter[game_id]=${g2}`)).toEqual(where((o) => o.game === 1));
    expect(await listed(seller.token, `filter[game_id]=${g2},${g3}`)).toEqual(expected);
    expect(await listed(seller.token, `filter[game_id][0]=${g2}&filter[game_id][1]=${g3}`)).toEqual(expected);
    expect(await listed(seller.token, `filter[game_id][]=${g2}&filter[game_id][]=${g3}`)).toEqual(expected);
    expect(await listed(seller.token, `filter%5Bgame_id%5D%5B0%5D=${g2}&filter%5Bgame_id%5D%5B1%5D=${g3}`)).toEqual(expected);
    expect(await listed(seller.token, `filter%5Bgame_id%5D=${g2}%2C${g3}`)).toEqual(expected);
  });

  it('filter[status] takes one status or a comma list', async () => {
    for (const status of ['pending', 'in_delivery', 'delivered', 'refunded']) {
      expect(await listed(seller.token, `filter[status]=${status}`)).toEqual(where((o) => o.status === status));
    }
    expect(await listed(seller.token, 'filter[status]=pending,refunded')).toEqual(where((o) => o.status === 'pending' || o.status === 'refunded'));
    expect(await listed(seller.token, 'filter[status]=delivered,in_delivery,pending,refunded')).toEqual(where(() => true));
  });

  it('reads percent-encoded brackets like plain ones', async () => {
    expect(await listed(seller.token, 'filter%5Bstatus%5D=delivered')).toEqual(where((o) => o.status === 'delivered'));
    expect(await listed(seller.token, `filter%5Bbuyer_id%5D=${b2.id}`)).toEqual(where((o) => o.buyer === b2.id));
    expect(await listed(seller.token, `filter%5bid%5d=${orders[0]!.id}`)).toEqual([orders[0]!.id]);
  });

  it('combines filters with AND', async () => {
    expect(await listed(seller.token, `filter[buyer_id]=${b1.id}&filter[status]=pending,in_delivery&filter[game_id]=${games[0]!.id}`))
      .toEqual(where((o) => o.buyer === b1.id && (o.status === 'pending' || o.status === 'in_delivery') && o.game === 0));
    expect(await listed(seller.token, `filter[status]=refunded&filter[buyer_id]=${b1.id}`)).toEqual([]);
  });

  it('ignores unknown query parameters and unknown filters', async () => {
    const all = where(() => true);
    expect(await listed(seller.token, 'foo=bar&include=buyer&filter[unknown]=x&filter[title]=nothing&order=asc')).toEqual(all);
  });

  it('treats an empty filter value as no filter', async () => {
    expect(await listed(seller.token, 'filter[status]=&filter[id]=&filter[search]=&filter[created_at]=')).toEqual(where(() => true));
  });
});

describe('GET /v2/account-orders -> 200 (date filters)', () => {
  const COLUMN: Record<string, OrderTimestampColumn> = {
    created_at: 'created_at',
    updated_at: 'updated_at',
    sold_at: 'purchased_at',
    completed_at: 'completed_at',
    refunded_at: 'refunded_at',
  };

  it.each(Object.keys(COLUMN))('filter[%s] takes one whole UTC day or an inclusive range of days', async (filter) => {
    const column = COLUMN[filter]!;
    const { seller, buyer } = await parley.fixtures.scenario('pending');
    const moments = ['2024-03-09T23:59:59', '2024-03-10T00:00:00', '2024-03-10T12:00:00', '2024-03-10T23:59:59', '2024-03-11T00:00:00', '2024-03-12T23:59:59'];
    const byMoment: number[] = [];
    for (const moment of moments) {
      const order = await parley.fixtures.order(seller, buyer, { status: 'delivered' });
      setOrderTimestamps(parley, order.id, { [column]: utc(moment) });
      byMoment.push(order.id);
    }
    // An order whose timestamp is null (never completed or refunded) or far away never matches.
    const other = await parley.fixtures.order(seller, buyer, { status: 'pending' });
    setOrderTimestamps(parley, other.id, column === 'completed_at' || column === 'refunded_at' ? { [column]: null } : { [column]: utc('2020-01-01T10:00:00') });

    const pick = (...indexes: number[]) => desc(indexes.map((i) => byMoment[i]!));
    expect(await listed(seller.token, `filter[${filter}]=2024-03-10`)).toEqual(pick(1, 2, 3));
    expect(await listed(seller.token, `filter[${filter}]=2024-03-09`)).toEqual(pick(0));
    expect(await listed(seller.token, `filter[${filter}]=2024-03-09,2024-03-10`)).toEqual(pick(0, 1, 2, 3));
    expect(await listed(seller.token, `filter[${filter}]=2024-03-10,2024-03-12`)).toEqual(pick(1, 2, 3, 4, 5));
    expect(await listed(seller.token, `filter[${filter}]=2024-03-11,2024-03-11`)).toEqual(pick(4));
    expect(await listed(seller.token, `filter%5B${filter}%5D=2024-03-12`)).toEqual(pick(5));
    expect(await listed(seller.token, `filter[${filter}]=2024-03-13`)).toEqual([]);
  });

  it('filter[sold_at] filters purchased_at, not created_at', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    setOrderTimestamps(parley, order.id, { created_at: utc('2024-05-01T08:00:00'), purchased_at: utc('2024-05-03T08:00:00') });
    expect(await listed(seller.token, 'filter[sold_at]=2024-05-03')).toEqual([order.id]);
    expect(await listed(seller.token, 'filter[sold_at]=2024-05-01')).toEqual([]);
    expect(await listed(seller.token, 'filter[created_at]=2024-05-01')).toEqual([order.id]);
    const res = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
    expect(res.body.data.purchased_at).toBe(utc('2024-05-03T08:00:00'));
  });

  it('accepts ranges across month and year ends, and 29 February of a leap year', async () => {
    const { seller, buyer, order: newYear } = await parley.fixtures.scenario('pending');
    setOrderTimestamps(parley, newYear.id, { created_at: utc('2024-01-01T00:30:00') });
    const leap = await parley.fixtures.order(seller, buyer);
    setOrderTimestamps(parley, leap.id, { created_at: utc('2024-02-29T18:00:00') });
    expect(await listed(seller.token, 'filter[created_at]=2023-12-31,2024-01-01')).toEqual([newYear.id]);
    expect(await listed(seller.token, 'filter[created_at]=2024-02-29')).toEqual([leap.id]);
    expect(await listed(seller.token, 'filter[created_at]=2024-01-31,2024-03-01')).toEqual([leap.id]);
  });

  it('combines a date filter with the other filters and with a second date filter', async () => {
    const { seller, buyer, order: a } = await parley.fixtures.scenario('delivered');
    const b = await parley.fixtures.order(seller, buyer, { status: 'delivered' });
    const c = await parley.fixtures.order(seller, buyer, { status: 'pending' });
    setOrderTimestamps(parley, a.id, { created_at: utc('2024-06-01T10:00:00'), completed_at: utc('2024-06-02T10:00:00') });
    setOrderTimestamps(parley, b.id, { created_at: utc('2024-06-01T11:00:00'), completed_at: utc('2024-06-05T10:00:00') });
    setOrderTimestamps(parley, c.id, { created_at: utc('2024-06-01T12:00:00') });
    expect(await listed(seller.token, 'filter[created_at]=2024-06-01')).toEqual(desc([a.id, b.id, c.id]));
    expect(await listed(seller.token, 'filter[created_at]=2024-06-01&filter[status]=pending')).toEqual([c.id]);
    expect(await listed(seller.token, 'filter[created_at]=2024-06-01&filter[completed_at]=2024-06-01,2024-06-03')).toEqual([a.id]);
    expect(asc(await listed(seller.token, 'filter[completed_at]=2024-06-02,2024-06-05'))).toEqual(asc([a.id, b.id]));
  });
});
