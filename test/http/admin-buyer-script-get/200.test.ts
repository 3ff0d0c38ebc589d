import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ManualClock } from '../../support/manual-clock.js';

const START_MS = 1_800_000_000_000;
const T0 = START_MS / 1000;
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock: new ManualClock(START_MS) });
});
afterAll(() => parley.close());

const put = (path: string, json: unknown) => parley.admin.request('PUT', path, { json });

describe('GET /admin/v1/{kind}-orders/{id}/buyer-script -> 200', () => {
  it('answers empty lists for an order without a script', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    const res = await parley.admin.get(`/admin/v1/account-orders/${order.id}/buyer-script`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ data: { order_id: order.id, order_kind: 'account', script: [], steps: [], created_at: null, updated_at: null } });
  });

  it('shows which steps ran and when: a confirmed order, a completion that fires the next step, a skipped one', async () => {
    const { order, buyer } = await parley.fixtures.scenario('in_delivery', { credentials: 'login: a / pass: b' });
    const path = `/admin/v1/account-orders/${order.id}/buyer-script`;
    const set = await put(path, {
      script: [
        { on: 'credentials', after: 60, do: 'confirm' },
        { on: 'completion', after: 5, reply: 'Thanks!' },
        { on: 'completion', after: 10, do: 'silent' },
        { on: 'message', reply: 'never said' },
      ],
    });
    expect(set.status, set.text).toBe(200);
    // Credentials were delivered before the script: the step fires when the script is set.
    expect(set.body.data.steps[0]).toMatchObject({ status: 'scheduled', fired_at: T0, due_at: T0 + 60 });

    const clock = await parley.admin.post('/admin/v1/clock/advance', { seconds: 120 });
    // Three steps ran: the confirmation, the refused reply, going silent.
    expect(clock.body.data.jobs_run).toBe(3);
    const res = await parley.admin.get(path);
    expect(res.status, res.text).toBe(200);
    const steps = res.body.data.steps;
    expect(steps[0]).toEqual({ index: 0, status: 'done', fired_at: T0, due_at: T0 + 60, ran_at: T0 + 60, error: null, dispute_case_id: null, message_id: null });
    // The chat closes with the completion: the buyer's reply is refused, as it would be to the buyer.
    expect(steps[1]).toMatchObject({ status: 'failed', fired_at: T0 + 60, due_at: T0 + 65, ran_at: T0 + 65, error: 'The order must be in processing status (pending or in_delivery) to perform this action.' });
    expect(steps[2]).toMatchObject({ status: 'done', ran_at: T0 + 70 });
    expect(steps[3]).toMatchObject({ status: 'skipped', error: 'The buyer went silent.' });
    const order2 = await parley.api.get(`/v2/account-orders/${order.id}`, { token: buyer.token });
    expect(order2.body.data).toMatchObject({ status: 'delivered', completed_at: T0 + 60 });
  });
});
