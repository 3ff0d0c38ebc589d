import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { ManualClock } from '../support/manual-clock.js';

/** A scripted buyer's replies are chat messages like any other: the chat limit applies to them. */
const START_MS = 1_800_000_000_000;
const T0 = START_MS / 1000;
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_RATE_LIMIT_CHAT: '2' }, { clock: new ManualClock(START_MS) });
});
afterAll(() => parley.close());

describe('the scripted buyer under the chat limit', () => {
  it('sends two replies in a minute and postpones the third until the window of the first has passed', async () => {
    const { order, buyer } = await parley.fixtures.scenario('pending');
    const path = `/admin/v1/account-orders/${order.id}/buyer-script`;
    const steps = [1, 2, 3].map((n) => ({ on: 'silence', after: n, reply: `reply ${n}` }));
    expect((await parley.admin.request('PUT', path, { json: { script: steps } })).status).toBe(200);

    await parley.admin.post('/admin/v1/clock/advance', { seconds: 10 });
    let state = (await parley.admin.get(path)).body.data.steps;
    expect(state.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'scheduled']);
    expect(state[2]).toMatchObject({ due_at: T0 + 61, error: 'Rate limited (chat): postponed to the next window.' });

    await parley.admin.post('/admin/v1/clock/advance', { seconds: 60 });
    state = (await parley.admin.get(path)).body.data.steps;
    expect(state[2]).toMatchObject({ status: 'done', ran_at: T0 + 61, error: null });
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: buyer.token });
    expect(thread.body.data.filter((m: { type: string }) => m.type === 'user_message').map((m: { text: string; sent_at: number }) => [m.text, m.sent_at - T0]))
      .toEqual([['reply 1', 1], ['reply 2', 2], ['reply 3', 61]]);
  });
});
