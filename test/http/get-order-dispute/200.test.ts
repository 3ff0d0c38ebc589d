import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { waitFor } from '../../webhooks/receiver.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { actionPath, adminActionPath, disputePath, disputeScenario } from '../dispute-support/helpers.js';

const clock = new ManualClock(Date.UTC(2026, 5, 1, 8, 0, 0));
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock });
});
afterAll(() => parley.close());

describe('GET /v2/order-disputes/{id} -> 200', () => {
  it('shows the case with its whole timeline, oldest first, to the seller, the buyer and admin keys', async () => {
    const s = await disputeScenario(parley);
    clock.advance(60_000);
    const counter = await parley.api.post(actionPath(s.dispute.id, 'counter'), {
      message: 'See the screenshots.', counter_resolution: 'other', counter_resolution_note: 'A discount', evidence_urls: ['https://cdn.example.com/p.png'],
    }, { token: s.seller.token });
    expect(counter.status, counter.text).toBe(200);
    clock.advance(60_000);
    const reply = await parley.admin.post(adminActionPath(s.dispute.id, 'buyer-reply'), { message: 'No, I want my money back.' });
    expect(reply.status, reply.text).toBe(200);

    for (const client of [parley.api.withToken(s.seller.token), parley.api.withToken(s.buyer.token), parley.admin]) {
      const res = await client.get(disputePath(s.dispute.id));
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ data: reply.body.data, message: null });
    }
    const events = reply.body.data.events;
    expect(events.map((e: any) => [e.type, e.actor_id, e.created_at])).toEqual([
      ['dispute_created', s.buyer.id, s.dispute.created_at],
      ['seller_countered', s.seller.id, s.dispute.created_at + 60],
      ['buyer_replied', s.buyer.id, s.dispute.created_at + 120],
    ]);
    expect(events[1]).toMatchObject({
      actor_username: s.seller.username,
      payload: { message: 'See the screenshots.', counter_resolution: 'other', counter_resolution_note: 'A discount' },
      evidence_urls: ['https://cdn.example.com/p.png'],
    });
    expect(events[2].payload).toEqual({ message: 'No, I want my money back.' });
  });

  it('judges is_active_deadline_expired by the application clock; the scheduler then escalates the case', async () => {
    const s = await disputeScenario(parley, { body: { seller_response_hours: 1 } });
    expect(s.dispute.is_active_deadline_expired).toBe(false);
    clock.advance(3600_000 - 1000);
    const before = await parley.api.get(disputePath(s.dispute.id), { token: s.seller.token });
    expect(before.body.data).toMatchObject({ status: 'waiting_for_seller', is_active_deadline_expired: false });
    clock.advance(1000);
    const due = await parley.api.get(disputePath(s.dispute.id), { token: s.seller.token });
    // Due by the clock: expired until the scheduler's next poll runs the deadline's job.
    expect(due.body.data.is_active_deadline_expired).toBe(due.body.data.status === 'waiting_for_seller');
    const after = await waitFor(async () => {
      const res = await parley.api.get(disputePath(s.dispute.id), { token: s.seller.token });
      return res.body.data.status === 'under_review' ? res.body.data : null;
    }, 5000, 'the seller deadline to escalate the case');
    expect(after).toMatchObject({ escalation_reason: 'seller_response_expired', active_due_at: null, is_active_deadline_expired: false });
    expect(after.events.at(-1)).toMatchObject({ type: 'seller_response_expired', actor_id: null, actor_username: null, payload: { due_at: clock.now() } });
  });
});
