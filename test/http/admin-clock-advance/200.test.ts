import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ManualClock } from '../../support/manual-clock.js';

const START_MS = 1_800_000_000_000;
let parley: TestParley;
let base: ManualClock;
beforeAll(async () => {
  base = new ManualClock(START_MS);
  parley = await startTestParley({ PARLEY_RATE_LIMIT_CHAT: '2', LOG_LEVEL: 'error' }, { clock: base });
});
afterAll(() => parley.close());

const clock = async () => (await parley.admin.get('/admin/v1/clock')).body.data;

describe('POST /admin/v1/clock/advance -> 200', () => {
  it('moves the clock by seconds or to a time; timestamps and message ids follow it', async () => {
    const before = await clock();
    const res = await parley.admin.post('/admin/v1/clock/advance', { seconds: 3600 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual({ now: before.now + 3600, now_ms: before.now_ms + 3_600_000, offset_ms: 3_600_000, next_due_at: null, jobs_run: 0 });

    const to = await parley.admin.post('/admin/v1/clock/advance', { to: before.now + 7200 });
    expect(to.status, to.text).toBe(200);
    expect(to.body.data.now).toBe(before.now + 7200);

    // The base clock moves on too: the offset is kept, not the reading.
    base.advance(1000);
    expect((await clock()).now_ms).toBe(before.now_ms + 7_200_000 + 1000);

    const { order, seller } = await parley.fixtures.scenario('pending');
    expect(order.created_at).toBe(before.now + 7201);
    const sent = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'later' }, { token: seller.token });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.data.sent_at).toBe(before.now + 7201);
    // A ULID's first 10 characters are its time: the application clock's, in milliseconds.
    const decode = (id: string) => [...id.slice(0, 10)].reduce((ms, c) => ms * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c), 0);
    expect(decode(sent.body.data.id)).toBe(before.now_ms + 7_201_000);
  });

  it('lets API keys expire and rate-limit windows pass', async () => {
    const now = (await clock()).now;
    const buyer = await parley.fixtures.user('buyer', { expires_at: now + 600 });
    expect((await parley.api.get('/v2/games', { token: buyer.token })).status).toBe(200);

    const { order, seller } = await parley.fixtures.scenario('pending');
    const send = (text: string) => parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: text }, { token: seller.token });
    expect((await send('one')).status).toBe(200);
    expect((await send('two')).status).toBe(200);
    expect((await send('three')).status).toBe(429);

    expect((await parley.admin.post('/admin/v1/clock/advance', { seconds: 601 })).status).toBe(200);
    expect((await parley.api.get('/v2/games', { token: buyer.token })).status).toBe(401);
    expect((await send('three again')).status).toBe(200);
  });
});
