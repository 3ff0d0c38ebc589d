import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { orderPath, orderRow, SYSTEM_SENDER, threadRows } from '../post-order-complete/helpers.js';
import { adminOpenPath, CASE_KEYS, caseRow, disputePath, EVENT_KEYS, eventRows, OPEN_BODY, REASON } from '../dispute-support/helpers.js';

const clock = new ManualClock(Date.UTC(2026, 2, 1, 12, 0, 0));
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({}, { clock });
});
afterAll(() => parley.close());

describe.each(ORDER_KIND_CASES.map((k) => [k.adminPath, k] as const))('POST %s/{id}/disputes -> 201', (_path, kind) => {
  it('opens a case as the buyer: waiting for the seller, deadlines from the clock, the order locked', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('in_delivery', {}, kind);
    const now = clock.now();
    const res = await parley.admin.post(adminOpenPath(kind, order.id), {
      ...OPEN_BODY, reason: REASON[kind.kind], preferred_resolution_note: '  half back  ', evidence_urls: ['https://cdn.example.com/a.png'],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.message).toBe('Dispute opened.');
    const data = res.body.data;
    expect(Object.keys(data)).toEqual([...CASE_KEYS, 'events']);
    expect(data).toEqual({
      id: expect.any(Number),
      orderable_type: `${kind.kind}_order`,
      orderable_id: order.id,
      buyer_id: buyer.id,
      status: 'waiting_for_seller',
      progress_path: 'waiting_for_seller',
      reason: REASON[kind.kind],
      explanation: OPEN_BODY.explanation,
      preferred_resolution: 'refund',
      preferred_resolution_note: 'half back',
      escalation_reason: null,
      closure_reason: null,
      outcome: null,
      seller_response_due_at: now + 24 * 3600,
      buyer_response_due_at: null,
      active_due_at: now + 24 * 3600,
      is_active_deadline_expired: false,
      seller_response_hours: 24,
      buyer_response_hours: 24,
      locked_at: now,
      closed_at: null,
      created_at: now,
      updated_at: now,
      events: [{
        id: expect.any(Number), type: 'dispute_created', actor_id: buyer.id, actor_username: buyer.username, payload: {},
        evidence_urls: ['https://cdn.example.com/a.png'], created_at: now,
      }],
    });
    expect(Object.keys(data.events[0])).toEqual(EVENT_KEYS);

    // The order shows the case; both parties read it.
    const read = await parley.api.get(orderPath(kind, order.id), { token: seller.token });
    expect(read.body.data).toMatchObject({ is_disputed: true, dispute_case_id: data.id, status: 'in_delivery' });
    expect(orderRow(parley, order.id)).toMatchObject({ is_disputed: 1, dispute_case_id: data.id, updated_at: now });
    for (const user of [seller, buyer]) {
      const got = await parley.api.get(disputePath(data.id), { token: user.token });
      expect(got.status, got.text).toBe(200);
      expect(got.body).toEqual({ data, message: null });
    }
    expect(caseRow(parley, data.id)).toMatchObject({ order_kind: kind.kind, order_id: order.id, seller_id: seller.id, status: 'waiting_for_seller' });
    expect(eventRows(parley, data.id)).toHaveLength(1);

    // One system message in the chat, from the system.
    const thread = threadRows(parley, kind, order.id);
    expect(thread.map((r) => [r.type, r.sender_id, r.sent_at])).toEqual([['system_message', null, now]]);
    expect(thread[0]!.text).toMatch(/^The buyer opened a dispute \(reason: .+; preferred resolution: refund\)\. The seller has 24 hours to respond\.$/);
    const messages = await parley.api.get(`${orderPath(kind, order.id)}/messages`, { token: buyer.token });
    expect(messages.body.data[0].sender).toEqual(SYSTEM_SENDER);
  });

  it('takes per-case deadlines, and a delivered or pending order', async () => {
    for (const status of ['pending', 'delivered'] as const) {
      const { order } = await parley.fixtures.scenario(status, {}, kind);
      const res = await parley.admin.post(adminOpenPath(kind, order.id), {
        ...OPEN_BODY, reason: 'other', preferred_resolution: 'replacement', seller_response_hours: 2, buyer_response_hours: 720,
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.data).toMatchObject({
        seller_response_hours: 2, buyer_response_hours: 720, seller_response_due_at: clock.now() + 7200, active_due_at: clock.now() + 7200,
        preferred_resolution: 'replacement', preferred_resolution_note: null, reason: 'other',
      });
      expect(res.body.data.events[0].evidence_urls).toEqual([]);
    }
  });

  it('opens a new case once the previous one is closed', async () => {
    const { order } = await parley.fixtures.scenario('delivered', {}, kind);
    const first = await parley.admin.post(adminOpenPath(kind, order.id), { ...OPEN_BODY, reason: 'other', preferred_resolution: 'other' });
    expect(first.status).toBe(201);
    const resolved = await parley.admin.post(`/admin/v1/order-disputes/${first.body.data.id}/resolve`, { outcome: 'rejected' });
    expect(resolved.status, resolved.text).toBe(200);
    const second = await parley.admin.post(adminOpenPath(kind, order.id), { ...OPEN_BODY, reason: 'other', preferred_resolution: 'other' });
    expect(second.status, second.text).toBe(201);
    expect(second.body.data.id).toBeGreaterThan(first.body.data.id);
    const read = await parley.admin.get(orderPath(kind, order.id));
    expect(read.body.data).toMatchObject({ is_disputed: true, dispute_case_id: second.body.data.id });
  });
});
