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

const advance = async (seconds: number) => {
  const res = await parley.admin.post('/admin/v1/clock/advance', { seconds });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
};
const put = (path: string, json: unknown) => parley.admin.request('PUT', path, { json });
const script = (id: number, kind = 'account') => parley.admin.get(`/admin/v1/${kind}-orders/${id}/buyer-script`);

describe('PUT /admin/v1/{kind}-orders/{id}/buyer-script -> 200', () => {
  it('stores the steps with their defaults; a matching seller message schedules the reply, the clock runs it', async () => {
    const { order, seller, buyer } = await parley.fixtures.scenario('pending', { credentials: null });
    const res = await put(`/admin/v1/account-orders/${order.id}/buyer-script`, {
      script: [
        { on: 'message', match: '(?i)password', after: 30, reply: 'It says wrong password' },
        { on: 'credentials', after: 60, do: 'confirm' },
        { on: 'silence', after: 3600, do: 'dispute', reason: 'account_not_received' },
      ],
    });
    expect(res.status, res.text).toBe(200);
    const now = (await parley.admin.get('/admin/v1/clock')).body.data.now;
    expect(res.body.data).toEqual({
      order_id: order.id,
      order_kind: 'account',
      script: [
        { on: 'message', match: '(?i)password', after: 30, do: 'reply', reply: 'It says wrong password' },
        { on: 'credentials', after: 60, do: 'confirm' },
        { on: 'silence', after: 3600, do: 'dispute', reason: 'account_not_received', explanation: 'The scripted buyer opened a dispute: account_not_received.', preferred_resolution: 'refund' },
      ],
      steps: [
        { index: 0, status: 'waiting', fired_at: null, due_at: null, ran_at: null, error: null, dispute_case_id: null, message_id: null },
        { index: 1, status: 'waiting', fired_at: null, due_at: null, ran_at: null, error: null, dispute_case_id: null, message_id: null },
        { index: 2, status: 'scheduled', fired_at: now, due_at: now + 3600, ran_at: null, error: null, dispute_case_id: null, message_id: null },
      ],
      created_at: now,
      updated_at: now,
    });

    const send = (text: string) => parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: text }, { token: seller.token });
    expect((await send('Hello! Here is your account.')).status).toBe(200);
    expect((await script(order.id)).body.data.steps[0].status).toBe('waiting');
    expect((await send('Try the PASSWORD again please')).status).toBe(200);
    const fired = (await script(order.id)).body.data.steps;
    expect(fired[0]).toMatchObject({ status: 'scheduled', fired_at: now, due_at: now + 30 });
    // The seller spoke: the silence counts again from now.
    expect(fired[2]).toMatchObject({ status: 'scheduled', due_at: now + 3600 });

    const clock = await advance(30);
    expect(clock.jobs_run).toBe(1);
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: buyer.token });
    const last = thread.body.data.at(-1);
    expect(last).toMatchObject({ type: 'user_message', text: 'It says wrong password', sender: { id: buyer.id }, sent_at: now + 30 });
    expect((await script(order.id)).body.data.steps[0]).toMatchObject({ status: 'done', ran_at: now + 30, message_id: last.id });
  });

  it('replaces a script: the old steps never run', async () => {
    const { order } = await parley.fixtures.scenario('in_delivery', { credentials: 'login: a' });
    const path = `/admin/v1/account-orders/${order.id}/buyer-script`;
    expect((await put(path, { script: [{ on: 'credentials', after: 10, do: 'confirm' }] })).status).toBe(200);
    expect((await script(order.id)).body.data.steps[0].status).toBe('scheduled');
    const replaced = await put(path, { script: [] });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body.data).toMatchObject({ script: [], steps: [] });
    await advance(60);
    const seen = parley.readDb((db) => db.prepare('select status from orders where id = ?').get(order.id)) as { status: string };
    expect(seen.status).toBe('in_delivery');
  });

  it('records what Parley refuses the buyer as failed instead of forcing it', async () => {
    const { order } = await parley.fixtures.scenario('pending', { credentials: null });
    const path = `/admin/v1/account-orders/${order.id}/buyer-script`;
    expect((await put(path, { script: [{ on: 'silence', after: 5, do: 'confirm' }, { on: 'silence', after: 6, do: 'accept_counter' }] })).status).toBe(200);
    await advance(10);
    const steps = (await script(order.id)).body.data.steps;
    expect(steps[0]).toMatchObject({ status: 'failed', error: 'The order can be confirmed once the credentials are delivered.' });
    expect(steps[1]).toMatchObject({ status: 'failed', error: 'The order has no open dispute.' });
    const seen = parley.readDb((db) => db.prepare('select status from orders where id = ?').get(order.id)) as { status: string };
    expect(seen.status).toBe('pending');
  });

  it('disputes, then accepts the counter-proposal it gets, as the buyer could', async () => {
    const { order, seller } = await parley.fixtures.scenario('in_delivery', { credentials: 'login: a' });
    const path = `/admin/v1/account-orders/${order.id}/buyer-script`;
    const set = await put(path, {
      script: [
        { on: 'silence', after: 60, do: 'dispute', reason: 'wrong_credentials', preferred_resolution: 'replacement' },
        { on: 'counter', after: 120, do: 'accept_counter', message: 'Fine, a replacement works.' },
      ],
    });
    expect(set.status, set.text).toBe(200);
    await advance(60);
    const caseId = (await script(order.id)).body.data.steps[0].dispute_case_id;
    expect(caseId).toEqual(expect.any(Number));
    const counter = await parley.api.post(`/v2/order-disputes/${caseId}/counter`, { message: 'New account coming.', counter_resolution: 'replacement' }, { token: seller.token });
    expect(counter.status, counter.text).toBe(200);
    expect((await script(order.id)).body.data.steps[1]).toMatchObject({ status: 'scheduled', due_at: (await parley.admin.get('/admin/v1/clock')).body.data.now + 120 });
    await advance(120);
    expect((await script(order.id)).body.data.steps[1]).toMatchObject({ status: 'done', dispute_case_id: caseId });
    const closed = await parley.api.get(`/v2/order-disputes/${caseId}`, { token: seller.token });
    expect(closed.body.data).toMatchObject({ status: 'closed', closure_reason: 'buyer_accepted', outcome: 'replacement' });
  });

  it('rejects a counter with a reply on the case, then escalates it', async () => {
    const { order, seller } = await parley.fixtures.scenario('in_delivery', { credentials: 'login: a' });
    const path = `/admin/v1/account-orders/${order.id}/buyer-script`;
    const set = await put(path, {
      script: [
        { on: 'silence', after: 60, do: 'dispute', reason: 'account_banned' },
        { on: 'counter', after: 10, do: 'dispute_reply', message: 'A replacement is not enough.' },
        { on: 'counter', after: 30, do: 'escalate' },
      ],
    });
    expect(set.status, set.text).toBe(200);
    await advance(60);
    const caseId = (await script(order.id)).body.data.steps[0].dispute_case_id;
    const counter = await parley.api.post(`/v2/order-disputes/${caseId}/counter`, { message: 'Replacement?', counter_resolution: 'replacement' }, { token: seller.token });
    expect(counter.status, counter.text).toBe(200);
    await advance(30);
    expect((await script(order.id)).body.data.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done']);
    const dispute = await parley.api.get(`/v2/order-disputes/${caseId}`, { token: seller.token });
    expect(dispute.body.data).toMatchObject({ status: 'under_review', escalation_reason: 'buyer_requested' });
    expect(dispute.body.data.events.map((e: { type: string }) => e.type)).toEqual(['dispute_created', 'seller_countered', 'buyer_replied', 'buyer_escalated']);
  });
});
