import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath } from '../post-order-messages/chat-helpers.js';

/**
 * PARLEY_AUTH_FAILURES_PER_MINUTE: past that many refused keys from one client address in a
 * minute, further refused keys answer 429 with Retry-After; valid keys from the same address
 * keep working. Every request here comes from 127.0.0.1. The server's clock is the test's.
 */
const LIMIT = 5;
const clock = new ManualClock(Date.UTC(2026, 11, 1, 12, 0, 0));
let parley: TestParley;

beforeAll(async () => {
  parley = await startTestParley({ PARLEY_AUTH_FAILURES_PER_MINUTE: String(LIMIT) }, { clock });
});
afterAll(() => parley.close());

const unknownKey = (i: number) => `pk_unknown${String(i).padStart(33, '0')}`;

function expectThrottled(res: ApiResponse): void {
  expectError(res, 429, MESSAGES.tooMany);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers.get('retry-after')}`).toBe(true);
}

describe('failed authentications from one address -> 429', () => {
  it('answers 401 up to the limit, then 429 with Retry-After; valid keys from the same address still pass', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const path = messagesPath(ACCOUNT_ORDERS, order.id);
    expect((await parley.api.get(path, { token: seller.token })).status).toBe(200);

    for (let i = 0; i < LIMIT; i++) expectError(await parley.api.get(path, { token: unknownKey(i) }), 401, MESSAGES.unauthenticated);
    expectThrottled(await parley.api.get(path, { token: unknownKey(LIMIT) }));
    // The operator API shares the count: the address is over the limit there too.
    expectThrottled(await parley.api.get(`/admin/v1/users/1/webhook-endpoints`, { token: unknownKey(99) }));
    expectThrottled(await parley.api.post(path, { message: 'hi' }, { token: 'not-even-a-key' }));

    // A key already used, and a key never seen before (read from the database), both pass.
    expect((await parley.api.get(path, { token: seller.token })).status).toBe(200);
    const newcomer = await parley.fixtures.user('seller');
    const own = await parley.fixtures.order(newcomer, await parley.fixtures.user('buyer'), { status: 'pending' });
    expect((await parley.api.get(messagesPath(ACCOUNT_ORDERS, own.id), { token: newcomer.token })).status).toBe(200);
    expect((await parley.admin.get(path)).status).toBe(200);

    // No key at all guesses nothing: still a 401.
    expectError(await parley.api.get(path, { token: null }), 401, MESSAGES.unauthenticated);

    // A revoked key is a refused key like an unknown one.
    const revoked = await parley.fixtures.user('seller');
    const keyId = (await parley.readDb((db) => db.prepare('select id from api_keys where user_id = ?').get(revoked.id))) as { id: number };
    expect((await parley.admin.delete(`/admin/v1/api-keys/${keyId.id}`)).status).toBe(204);
    expectThrottled(await parley.api.get(path, { token: revoked.token }));

    // The window ends a minute after the first failure: refused keys are 401s again.
    clock.advance(60_000);
    expectError(await parley.api.get(path, { token: unknownKey(100) }), 401, MESSAGES.unauthenticated);
  });
});

describe('PARLEY_AUTH_FAILURES_PER_MINUTE=0', () => {
  let open: TestParley;
  beforeAll(async () => {
    open = await startTestParley({ PARLEY_AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(() => open.close());

  it('never throttles: every refused key is a 401', async () => {
    const { order } = await open.fixtures.scenario('pending');
    for (let i = 0; i < 30; i++) {
      expectError(await open.api.get(messagesPath(ACCOUNT_ORDERS, order.id), { token: unknownKey(i) }), 401, MESSAGES.unauthenticated);
    }
  });
});
