import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulidTime } from '../http/post-order-messages/chat-helpers.js';
import { ManualClock } from '../support/manual-clock.js';
import { startTestParley, type TestParley } from '../support/parley.js';

/**
 * One clock for the whole application: a server started on a clock of the test's own, standing
 * years away from the wall clock, stamps, expires and limits by that clock alone.
 */
describe('the application clock', () => {
  const clock = new ManualClock(Date.UTC(2021, 4, 6, 7, 8, 9, 123));
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_RATE_LIMIT_READS: '2' }, { clock });
  });
  afterAll(() => parley.close());

  it('dates a message: its id and its sent_at come from the same reading', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    expect(order.created_at).toBe(clock.now());
    const first = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'first' }, { token: seller.token });
    expect(first.status).toBe(200);
    expect(ulidTime(first.body.data.id)).toBe(clock.nowMs());
    expect(first.body.data.sent_at).toBe(clock.now());

    clock.advance(90_456);
    const second = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'second' }, { token: seller.token });
    expect(ulidTime(second.body.data.id)).toBe(clock.nowMs());
    expect(second.body.data.sent_at).toBe(clock.now());

    // A status change's system message and the order's timestamps too.
    clock.advance(5_000);
    const moved = await parley.admin.patch(`/admin/v1/account-orders/${order.id}`, { status: 'delivered' });
    expect(moved.status).toBe(200);
    expect(moved.body.data.updated_at).toBe(clock.now());
    expect(moved.body.data.completed_at).toBe(clock.now());
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    const system = thread.body.data.at(-1);
    expect(system.type).toBe('system_message');
    expect(ulidTime(system.id)).toBe(clock.nowMs());
    expect(system.sent_at).toBe(clock.now());
  });

  it('expires an API key when the clock passes its expires_at', async () => {
    const seller = await parley.fixtures.user('seller', { expires_at: clock.now() + 60 });
    expect((await parley.api.get('/v2/account-orders', { token: seller.token })).status).toBe(200);
    clock.advance(59_000);
    expect((await parley.api.get('/v2/account-orders', { token: seller.token })).status).toBe(200);
    clock.advance(1_000);
    expect((await parley.api.get('/v2/account-orders', { token: seller.token })).status).toBe(401);
  });

  it('opens and resets a rate-limit window by the clock', async () => {
    const seller = await parley.fixtures.user('seller');
    const openedMs = clock.nowMs();
    for (let i = 0; i < 2; i++) expect((await parley.api.get('/v2/account-orders', { token: seller.token })).status).toBe(200);
    clock.advance(59_999);
    const limited = await parley.api.get('/v2/account-orders', { token: seller.token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil((openedMs + 60_000) / 1000)));
    expect(limited.headers.get('retry-after')).toBe('1');
    clock.advance(1);
    const reopened = await parley.api.get('/v2/account-orders', { token: seller.token });
    expect(reopened.status).toBe(200);
    expect(reopened.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil((clock.nowMs() + 60_000) / 1000)));
  });
});
