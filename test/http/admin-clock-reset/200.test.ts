import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ManualClock } from '../../support/manual-clock.js';

const START_MS = 1_800_000_000_000;
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock: new ManualClock(START_MS) });
});
afterAll(() => parley.close());

describe('POST /admin/v1/clock/reset -> 200', () => {
  it('puts the clock back on the base clock; message ids keep sorting after the ones minted ahead', async () => {
    const { order, seller } = await parley.fixtures.scenario('pending');
    const send = (text: string) => parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: text }, { token: seller.token });
    expect((await parley.admin.post('/admin/v1/clock/advance', { seconds: 86_400 })).status).toBe(200);
    const ahead = await send('sent a day ahead');
    expect(ahead.body.data.sent_at).toBe(START_MS / 1000 + 86_400);

    const res = await parley.admin.post('/admin/v1/clock/reset');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ data: { now: START_MS / 1000, now_ms: START_MS, offset_ms: 0, next_due_at: null } });

    const after = await send('sent after the reset');
    // The timestamp goes back with the clock; the id does not.
    expect(after.body.data.sent_at).toBe(START_MS / 1000);
    expect(after.body.data.id > ahead.body.data.id).toBe(true);
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    expect(thread.body.data.map((m: { text: string }) => m.text).slice(-2)).toEqual(['sent a day ahead', 'sent after the reset']);
    const since = await parley.api.get(`/v2/account-orders/${order.id}/messages?after=${ahead.body.data.id}`, { token: seller.token });
    expect(since.body.data.map((m: { id: string }) => m.id)).toEqual([after.body.data.id]);
  });
});
