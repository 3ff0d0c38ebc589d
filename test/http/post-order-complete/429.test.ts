import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import {
  COMPLETABLE,
  completePath,
  CURRENCY,
  expectError,
  expectLimitHeaders,
  expectTooMany,
  ITEM,
  MESSAGES,
  orderPath,
  snapshot,
} from './helpers.js';

const LIMIT = 2;

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_WRITES: String(LIMIT) });
});
afterAll(() => parley.close());

describe.each(COMPLETABLE.map((k) => [k.path, k] as const))('POST %s/{id}/complete -> 429', (_path, kind) => {
  it(`answers 429 with Retry-After once the writes bucket (${LIMIT}) is spent, and completes nothing`, async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const orders = [];
    for (let i = 0; i < LIMIT + 1; i++) orders.push(await parley.fixtures.order(seller, buyer, { status: 'pending' }, kind));

    for (let i = 0; i < LIMIT; i++) {
      const res = await parley.api.post(completePath(kind, orders[i].id), undefined, { token: seller.token });
      expect(res.status, res.text).toBe(200);
      expectLimitHeaders(res, LIMIT, LIMIT - 1 - i);
    }
    const last = orders[LIMIT];
    const before = snapshot(parley, kind, last.id);
    expectTooMany(await parley.api.post(completePath(kind, last.id), undefined, { token: seller.token }), LIMIT);
    // Still limited on the next try.
    expectTooMany(await parley.api.post(completePath(kind, last.id), undefined, { token: seller.token }), LIMIT);
    expect(snapshot(parley, kind, last.id)).toEqual(before);
    expect(before.row).toMatchObject({ status: 'pending', completed_at: null });
    expect(before.thread).toEqual([]);
  });

  it('answers 429 before looking at the order: unknown, non-numeric and foreign ids alike', async () => {
    const { seller } = await parley.fixtures.scenario('pending', {}, kind);
    const foreign = await parley.fixtures.scenario('pending', {}, kind);
    for (let i = 0; i < LIMIT; i++) {
      expectError(await parley.api.post(completePath(kind, 999_999), undefined, { token: seller.token }), 404, MESSAGES.notFound);
    }
    for (const id of [String(foreign.order.id), '999999', 'abc']) {
      expectTooMany(await parley.api.post(completePath(kind, id), undefined, { token: seller.token }), LIMIT);
    }
    expect(snapshot(parley, kind, foreign.order.id).row).toMatchObject({ status: 'pending' });
  });

  it('counts refused completions (403) against the bucket', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const closed = await parley.fixtures.order(seller, (await parley.fixtures.user('buyer')), { status: 'delivered' }, kind);
    for (let i = 0; i < LIMIT; i++) {
      const res = await parley.api.post(completePath(kind, closed.id), undefined, { token: seller.token });
      expectError(res, 403, MESSAGES.completeNotProcessing);
      expectLimitHeaders(res, LIMIT, LIMIT - 1 - i);
    }
    expectTooMany(await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token }), LIMIT);
    expect(snapshot(parley, kind, order.id).row).toMatchObject({ status: 'pending', completed_at: null });
  });

  it("limits one key without touching another user's key, and leaves reads alone", async () => {
    const a = await parley.fixtures.scenario('pending', {}, kind);
    const b = await parley.fixtures.scenario('pending', {}, kind);
    for (let i = 0; i < LIMIT; i++) {
      expectError(await parley.api.post(completePath(kind, 'abc'), undefined, { token: a.seller.token }), 404, MESSAGES.notFound);
    }
    expectTooMany(await parley.api.post(completePath(kind, a.order.id), undefined, { token: a.seller.token }), LIMIT);
    // Reads are another bucket (switched off here).
    const read = await parley.api.get(orderPath(kind, a.order.id), { token: a.seller.token });
    expect(read.status, read.text).toBe(200);

    const other = await parley.api.post(completePath(kind, b.order.id), undefined, { token: b.seller.token });
    expect(other.status, other.text).toBe(200);
    expectLimitHeaders(other, LIMIT, LIMIT - 1);
  });
});

describe('POST .../complete -> 429 across kinds', () => {
  it('shares one writes bucket between item and currency completions', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    const item = await parley.fixtures.order(seller, buyer, {}, ITEM);
    const currency = await parley.fixtures.order(seller, buyer, {}, CURRENCY);
    const item2 = await parley.fixtures.order(seller, buyer, {}, ITEM);
    expect((await parley.api.post(completePath(ITEM, item.id), undefined, { token: seller.token })).status).toBe(200);
    expect((await parley.api.post(completePath(CURRENCY, currency.id), undefined, { token: seller.token })).status).toBe(200);
    expectTooMany(await parley.api.post(completePath(ITEM, item2.id), undefined, { token: seller.token }), LIMIT);
    expect(snapshot(parley, ITEM, item2.id).row).toMatchObject({ status: 'pending' });
  });

  it('answers 401, not 429, without a valid key', async () => {
    const { order } = await parley.fixtures.scenario('pending', {}, ITEM);
    for (let i = 0; i < LIMIT + 2; i++) {
      expectError(await parley.api.post(completePath(ITEM, order.id), undefined, { token: 'pk_nobody' }), 401, MESSAGES.unauthenticated);
    }
  });
});
