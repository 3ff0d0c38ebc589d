import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import {
  ACCOUNT,
  credentialsPath,
  expectError,
  expectLimitHeaders,
  expectTooMany,
  messagesPath,
  MESSAGES,
  orderPath,
  snapshot,
} from '../post-order-complete/helpers.js';

const LIMIT = 2;

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_WRITES: String(LIMIT) });
});
afterAll(() => parley.close());

describe('PATCH /v2/account-orders/{accountOrder}/credentials -> 429', () => {
  it(`answers 429 with Retry-After once the writes bucket (${LIMIT}) is spent, and changes nothing`, async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    for (let i = 1; i <= LIMIT; i++) {
      const res = await parley.api.patch(credentialsPath(order.id), { credentials: `c${i}` }, { token: seller.token });
      expect(res.status, res.text).toBe(200);
      expectLimitHeaders(res, LIMIT, LIMIT - i);
    }
    const before = snapshot(parley, ACCOUNT, order.id);
    expectTooMany(await parley.api.patch(credentialsPath(order.id), { credentials: 'one too many' }, { token: seller.token }), LIMIT);
    expectTooMany(await parley.api.patch(credentialsPath(order.id), { credentials: 'again' }, { token: seller.token }), LIMIT);
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
    const read = await parley.api.get(orderPath(ACCOUNT, order.id), { token: seller.token });
    expect(read.body.data.credentials).toBe(`c${LIMIT}`);
  });

  it('answers 429 before looking at the order or the body', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const refunded = await parley.fixtures.scenario('refunded');
    for (let i = 0; i < LIMIT; i++) {
      expectError(await parley.api.patch(credentialsPath('abc'), { credentials: 'x' }, { token: seller.token }), 404, MESSAGES.notFound);
    }
    const before = snapshot(parley, ACCOUNT, order.id);
    for (const [id, body] of [[order.id, { credentials: 'x' }], [order.id, {}], [refunded.order.id, { credentials: 'x' }], ['999999', { credentials: 'x' }]] as const) {
      expectTooMany(await parley.api.patch(credentialsPath(id), body, { token: seller.token }), LIMIT);
    }
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
  });

  it('counts 403 and 422 answers against the bucket', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const refunded = await parley.fixtures.order(seller, await parley.fixtures.user('buyer'), { status: 'refunded' });
    const forbidden = await parley.api.patch(credentialsPath(refunded.id), { credentials: 'x' }, { token: seller.token });
    expectError(forbidden, 403, MESSAGES.credentialsRefunded);
    expectLimitHeaders(forbidden, LIMIT, 1);
    const invalid = await parley.api.patch(credentialsPath(order.id), { credentials: '' }, { token: seller.token });
    expect(invalid.status, invalid.text).toBe(422);
    expectLimitHeaders(invalid, LIMIT, 0);
    expectTooMany(await parley.api.patch(credentialsPath(order.id), { credentials: 'valid now' }, { token: seller.token }), LIMIT);
  });

  it('shares the writes bucket with sending messages', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const sent = await parley.api.post(messagesPath(ACCOUNT, order.id), { message: 'hello' }, { token: seller.token });
    expect(sent.status, sent.text).toBe(200);
    expect((await parley.api.patch(credentialsPath(order.id), { credentials: 'c1' }, { token: seller.token })).status).toBe(200);
    expectTooMany(await parley.api.patch(credentialsPath(order.id), { credentials: 'c2' }, { token: seller.token }), LIMIT);
    expectTooMany(await parley.api.post(messagesPath(ACCOUNT, order.id), { message: 'again' }, { token: seller.token }), LIMIT);
  });

  it("limits one key without touching another user's key", async () => {
    const a = await parley.fixtures.scenario('pending');
    const b = await parley.fixtures.scenario('pending');
    for (let i = 0; i < LIMIT; i++) {
      expect((await parley.api.patch(credentialsPath(a.order.id), { credentials: `a${i}` }, { token: a.seller.token })).status).toBe(200);
    }
    expectTooMany(await parley.api.patch(credentialsPath(a.order.id), { credentials: 'blocked' }, { token: a.seller.token }), LIMIT);
    const other = await parley.api.patch(credentialsPath(b.order.id), { credentials: 'fine' }, { token: b.seller.token });
    expect(other.status, other.text).toBe(200);
    expectLimitHeaders(other, LIMIT, LIMIT - 1);
  });

  it('answers 401, not 429, without a valid key', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    for (let i = 0; i < LIMIT + 2; i++) {
      expectError(await parley.api.patch(credentialsPath(order.id), { credentials: 'x' }, { token: 'pk_nobody' }), 401, MESSAGES.unauthenticated);
    }
  });
});
