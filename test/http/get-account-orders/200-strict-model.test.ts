import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { listPath } from './helpers.js';

/**
 * A strict client's models, written the way a pydantic client fitted to live GameBoost responses
 * declares them (docs/api.md "Fields as strict clients parse them"): a `str` is a string and never
 * null, an `int` an integer, a `float` any number, `Optional[...]` the only place null is allowed,
 * and no field beyond the model's.
 */
type Field = 'str' | 'int' | 'float' | 'bool' | 'dict' | { optional: Field } | { list: Field } | Model;
interface Model { [name: string]: Field }

const optional = (f: Field): Field => ({ optional: f });
const list = (f: Field): Field => ({ list: f });

const Game: Model = { id: 'int', name: 'str', slug: 'str' };
const Buyer: Model = { id: 'int', username: 'str' };
const Rating: Model = { id: 'int', labels: list('str'), rating: 'float', comment: 'str', created_at: 'int', updated_at: 'int' };
const DeliveryTime: Model = { duration: 'int', unit: 'str', format: 'str', format_long: 'str', seconds: 'int' };
const Money: Model = { format: 'str', value: 'float', amount: 'int', currency: { symbol: 'str', code: 'str' } };

const AccountOrder: Model = {
  id: 'int',
  account_offer_id: 'int',
  game: Game,
  buyer: Buyer,
  rating: optional(Rating),
  title: 'str',
  description: 'str',
  parameters: 'dict',
  status: 'str',
  is_disputed: 'bool',
  dispute_case_id: optional('int'),
  delivery_time: DeliveryTime,
  is_manual_delivery: 'bool',
  // GameBoost serves null here (new-format orders before delivery; instructions the seller left out).
  credentials: optional('str'),
  delivery_instructions: optional('str'),
  price: Money,
  price_usd: Money,
  image_urls: list('str'),
  created_at: 'int',
  updated_at: 'int',
  purchased_at: 'int',
  completed_at: optional('int'),
  refunded_at: optional('int'),
};

const PageLink: Model = { url: optional('str'), label: 'str', active: 'bool' };
const AccountOrderList: Model = {
  data: list(AccountOrder),
  meta: {
    current_page: 'int', from: optional('int'), last_page: 'int', links: list(PageLink),
    path: 'str', per_page: 'int', to: optional('int'), total: 'int',
  },
  links: { first: 'str', last: 'str', prev: optional('str'), next: optional('str') },
};

/** Every way `value` breaks `field`, as paths; empty when it parses. */
function violations(field: Field, value: unknown, path = '$'): string[] {
  if (typeof field === 'string') {
    const ok = {
      str: typeof value === 'string',
      int: Number.isInteger(value),
      float: typeof value === 'number',
      bool: typeof value === 'boolean',
      dict: value !== null && typeof value === 'object' && !Array.isArray(value),
    }[field];
    return ok ? [] : [`${path}: expected ${field}, got ${JSON.stringify(value)}`];
  }
  if ('optional' in field && Object.keys(field).length === 1) return value === null ? [] : violations(field.optional as Field, value, path);
  if ('list' in field && Object.keys(field).length === 1) {
    if (!Array.isArray(value)) return [`${path}: expected a list, got ${JSON.stringify(value)}`];
    return value.flatMap((item, i) => violations(field.list as Field, item, `${path}[${i}]`));
  }
  const model = field as Model;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object, got ${JSON.stringify(value)}`];
  const record = value as Record<string, unknown>;
  const missing = Object.keys(model).filter((k) => !(k in record)).map((k) => `${path}.${k}: missing`);
  const extra = Object.keys(record).filter((k) => !(k in model)).map((k) => `${path}.${k}: not in the model`);
  return [...missing, ...extra, ...Object.entries(model).flatMap(([k, f]) => (k in record ? violations(f, record[k], `${path}.${k}`) : []))];
}

function expectParses(model: Model, body: unknown): void {
  expect(violations(model, body)).toEqual([]);
}

let parley: TestParley;
let seller: TestUser;
const orders: Record<string, number> = {};

beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
  const buyer = await parley.fixtures.user('buyer');
  const create = async (fields: Record<string, unknown>) => (await parley.fixtures.order(seller, buyer, fields)).id as number;
  orders.bare = await create({});
  orders.blankDescription = await create({ description: '   ' });
  orders.full = await create({
    description: 'Level 30, all champions',
    credentials: 'login: a / password: b',
    delivery_instructions: 'Change the password',
    image_urls: ['https://example.com/a.png'],
    parameters: { region: 'EUW' },
  });
  orders.rated = await create({ status: 'delivered' });
  orders.ratedBare = await create({ status: 'delivered' });
  orders.disputed = await create({ status: 'delivered' });
  const patch = async (id: number, body: Record<string, unknown>) => {
    const res = await parley.admin.patch(`/admin/v1/account-orders/${id}`, body);
    expect(res.status, res.text).toBe(200);
  };
  await patch(orders.rated!, { rating: { rating: 4.5, labels: ['Fast delivery'], comment: 'Thanks' } });
  await patch(orders.ratedBare!, { rating: { rating: 5 } });
  await patch(orders.disputed!, { status: 'refunded', is_disputed: true, dispute_case_id: 4242 });
});
afterAll(() => parley.close());

describe('GET /v2/account-orders and /v2/account-orders/{id} -> 200 (a strict client parses them)', () => {
  it('parses the list, with and without optional fields', async () => {
    const res = await parley.api.get(listPath({ per_page: 50 }), { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toHaveLength(Object.keys(orders).length);
    expectParses(AccountOrderList, res.body);
  });

  it.each(['bare', 'blankDescription', 'full', 'rated', 'ratedBare', 'disputed'])('parses the %s order read alone', async (name) => {
    const res = await parley.api.get(`/v2/account-orders/${orders[name]}`, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expectParses({ data: AccountOrder }, res.body);
  });

  it('serves a missing or blank description as "", and a given one as given', async () => {
    const read = async (name: string) => (await parley.api.get(`/v2/account-orders/${orders[name]}`, { token: seller.token })).body.data;
    expect((await read('bare')).description).toBe('');
    expect((await read('blankDescription')).description).toBe('');
    expect((await read('full')).description).toBe('Level 30, all champions');
  });

  it('serves a rating with a numeric rating, and "" and [] where the buyer gave no comment or labels', async () => {
    const rated = (await parley.api.get(`/v2/account-orders/${orders.rated}`, { token: seller.token })).body.data.rating;
    expect(rated).toMatchObject({ rating: 4.5, labels: ['Fast delivery'], comment: 'Thanks' });
    const bare = (await parley.api.get(`/v2/account-orders/${orders.ratedBare}`, { token: seller.token })).body.data.rating;
    expect(bare).toMatchObject({ rating: 5, labels: [], comment: '' });
  });

  it('serves a disputed order with its case id', async () => {
    const data = (await parley.api.get(`/v2/account-orders/${orders.disputed}`, { token: seller.token })).body.data;
    expect(data).toMatchObject({ status: 'refunded', is_disputed: true, dispute_case_id: 4242 });
  });

  it.each(ORDER_KIND_CASES.filter((c) => c.kind !== 'account'))('serves a missing description as "" on $kind orders too', async (kind) => {
    const buyer = await parley.fixtures.user('buyer');
    const order = await parley.fixtures.order(seller, buyer, {}, kind);
    expect(order.description).toBe('');
    const one = await parley.api.get(`${kind.path}/${order.id}`, { token: seller.token });
    expect(one.body.data.description).toBe('');
    const listed = await parley.api.get(`${kind.path}?filter[id]=${order.id}`, { token: seller.token });
    expect(listed.body.data.map((o: { description: unknown }) => o.description)).toEqual(['']);
  });
});
