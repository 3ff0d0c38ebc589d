import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUYER_DEADLINE_JOB, SELLER_DEADLINE_JOB } from '../../src/domain/dispute-jobs.js';
import { DISPUTE_JOB_HANDLERS, expireDeadline } from '../../src/domain/dispute-deadlines.js';
import { buyerAcceptCounter, buyerEscalate, buyerReply, openDispute, resolveDispute, sellerCounter } from '../../src/domain/disputes.js';
import { ValidationError } from '../../src/domain/errors.js';
import type { Store } from '../../src/domain/ports.js';
import { actorFor } from '../../src/domain/users.js';
import { ManualClock } from '../support/manual-clock.js';
import { startTestParley, type TestParley } from '../support/parley.js';

/**
 * The deadline rules against an injected clock: the handlers the scheduler runs, called
 * directly at chosen times. The server's own scheduler may run the same jobs meanwhile; the
 * handlers are guarded and idempotent, so either way each deadline acts once.
 */
const HOUR_MS = 3_600_000;
const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
let parley: TestParley;
let store: Store;
beforeAll(async () => {
  parley = await startTestParley({}, { clock });
  store = parley.running.app.parley.store;
});
afterAll(() => parley.close());

async function openCase(body: Record<string, unknown> = {}) {
  const { seller, order } = await parley.fixtures.scenario('delivered');
  const view = await openDispute(store, 'account', order.id, {
    reason: 'account_banned', explanation: 'Banned a day later.', preferred_resolution: 'refund', seller_response_hours: 2, buyer_response_hours: 3, ...body,
  });
  const user = (await store.users.findById(seller.id))!;
  return { view, order, id: view.dispute.id, seller: actorFor(user, null) };
}

const run = (kind: string, id: number) => store.transaction((tx) => DISPUTE_JOB_HANDLERS[kind]!(tx, { kind, key: String(id), dueAtMs: clock.nowMs(), payload: {} }));
const jobOf = (kind: string, id: number) => store.jobs.find(kind, String(id));

describe('dispute deadlines', () => {
  it("the seller's deadline: nothing before it is due, then under_review (seller_response_expired), once", async () => {
    const { id, view } = await openCase();
    expect(view.dispute.seller_response_due_at).toBe(clock.now() + 2 * 3600);
    expect(await jobOf(SELLER_DEADLINE_JOB, id)).toMatchObject({ dueAtMs: view.dispute.seller_response_due_at! * 1000 });
    expect(await jobOf(BUYER_DEADLINE_JOB, id)).toBeUndefined();

    clock.advance(2 * HOUR_MS - 1000);
    await run(SELLER_DEADLINE_JOB, id);
    expect((await store.disputes.findById(id))!.status).toBe('waiting_for_seller');
    expect(await expireDeadline(store, id, 'seller')).toBeNull();

    clock.advance(1000);
    await run(SELLER_DEADLINE_JOB, id);
    await run(SELLER_DEADLINE_JOB, id);
    const after = (await store.disputes.findById(id))!;
    expect(after).toMatchObject({ status: 'under_review', escalation_reason: 'seller_response_expired', active_due_at: null, closed_at: null });
    const events = await store.disputes.listEvents(id);
    expect(events.map((e) => e.type)).toEqual(['dispute_created', 'seller_response_expired']);
    expect(events[1]).toMatchObject({ actor_id: null, actor_username: null, payload: { due_at: view.dispute.seller_response_due_at }, created_at: clock.now() });
    expect(await jobOf(SELLER_DEADLINE_JOB, id)).toBeUndefined();
    // The order stays locked under review.
    expect(await store.orders.findById('account', after.order_id)).toMatchObject({ is_disputed: true, dispute_case_id: id });
  });

  it("the buyer's deadline after a counter: closed (buyer_response_expired, rejected), the order unlocked and unchanged", async () => {
    const { id, seller, order } = await openCase();
    clock.advance(HOUR_MS);
    const countered = await sellerCounter(store, seller, id, { message: 'Here is a fix.', counter_resolution: 'replacement' });
    expect(countered.dispute.buyer_response_due_at).toBe(clock.now() + 3 * 3600);
    expect(await jobOf(SELLER_DEADLINE_JOB, id)).toBeUndefined();
    expect(await jobOf(BUYER_DEADLINE_JOB, id)).toMatchObject({ dueAtMs: countered.dispute.buyer_response_due_at! * 1000 });

    // The seller's old deadline passes meanwhile: nothing happens, the case waits for the buyer.
    clock.advance(HOUR_MS);
    await run(SELLER_DEADLINE_JOB, id);
    expect((await store.disputes.findById(id))!.status).toBe('waiting_for_buyer');

    clock.advance(2 * HOUR_MS);
    await run(BUYER_DEADLINE_JOB, id);
    await run(BUYER_DEADLINE_JOB, id);
    expect(await store.disputes.findById(id)).toMatchObject({
      status: 'closed', progress_path: 'waiting_for_buyer', closure_reason: 'buyer_response_expired', outcome: 'rejected', closed_at: clock.now(), locked_at: null,
    });
    expect((await store.disputes.listEvents(id)).map((e) => e.type)).toEqual(['dispute_created', 'seller_countered', 'buyer_response_expired']);
    expect(await store.orders.findById('account', order.id)).toMatchObject({ status: 'delivered', refunded_at: null, is_disputed: false, dispute_case_id: id });
    expect(await jobOf(BUYER_DEADLINE_JOB, id)).toBeUndefined();
  });

  it("a buyer's reply that rejects the counter moves the seller's deadline; the old deadlines then do nothing", async () => {
    const { id, seller, view } = await openCase();
    await sellerCounter(store, seller, id, { message: 'Offer', counter_resolution: 'other' });
    clock.advance(HOUR_MS);
    const replied = await buyerReply(store, id, { message: 'No thanks' });
    const newDue = clock.now() + 2 * 3600;
    expect(replied.dispute).toMatchObject({ status: 'waiting_for_seller', seller_response_due_at: newDue, active_due_at: newDue });
    expect(await jobOf(SELLER_DEADLINE_JOB, id)).toMatchObject({ dueAtMs: newDue * 1000 });
    expect(await jobOf(BUYER_DEADLINE_JOB, id)).toBeUndefined();

    // Past the first seller deadline and the buyer's, before the new one: nothing.
    clock.advance(HOUR_MS + 1000);
    expect(clock.now()).toBeGreaterThan(view.dispute.seller_response_due_at!);
    await run(SELLER_DEADLINE_JOB, id);
    await run(BUYER_DEADLINE_JOB, id);
    expect((await store.disputes.findById(id))!.status).toBe('waiting_for_seller');

    clock.advance(HOUR_MS);
    await run(SELLER_DEADLINE_JOB, id);
    expect((await store.disputes.findById(id))!.escalation_reason).toBe('seller_response_expired');
  });

  it('no deadline is pending once a case is under review or closed; a closed case ignores its jobs', async () => {
    const a = await openCase();
    await buyerEscalate(store, a.id, { message: 'Help' });
    expect(await jobOf(SELLER_DEADLINE_JOB, a.id)).toBeUndefined();
    const b = await openCase();
    await sellerCounter(store, b.seller, b.id, { message: 'x', counter_resolution: 'refund' });
    await buyerAcceptCounter(store, b.id, {});
    const refundedAt = clock.now();
    expect(await jobOf(BUYER_DEADLINE_JOB, b.id)).toBeUndefined();
    clock.advance(10 * HOUR_MS);
    await run(BUYER_DEADLINE_JOB, b.id);
    await run(SELLER_DEADLINE_JOB, b.id);
    expect(await store.disputes.findById(b.id)).toMatchObject({ status: 'closed', closure_reason: 'buyer_accepted', outcome: 'refund' });
    expect(await store.orders.findById('account', b.order.id)).toMatchObject({ status: 'refunded', refunded_at: refundedAt });
  });

  it('a job key that names no case does nothing', async () => {
    for (const key of ['999999', 'abc', '0', '']) {
      await store.transaction((tx) => DISPUTE_JOB_HANDLERS[SELLER_DEADLINE_JOB]!(tx, { kind: SELLER_DEADLINE_JOB, key, dueAtMs: 0, payload: {} }));
    }
  });

  it('the buyer-side functions check their input as the routes do (for the scripted buyer)', async () => {
    const { id, order } = await openCase();
    await expect(buyerReply(store, id, { message: '  ' })).rejects.toEqual(new ValidationError({ message: ['The message field is required.'] }));
    await expect(openDispute(store, 'account', order.id, { reason: 'item_not_received', explanation: 'x', preferred_resolution: 'refund' }))
      .rejects.toEqual(new ValidationError({ reason: ['The selected reason is invalid.'] }));
    await expect(resolveDispute(store, id, { outcome: 'maybe' })).rejects.toEqual(new ValidationError({ outcome: ['The selected outcome is invalid.'] }));
    await expect(buyerAcceptCounter(store, id)).rejects.toEqual(new ValidationError({ status: ['The dispute is waiting for the seller.'] }));
    expect((await store.disputes.listEvents(id)).map((e) => e.type)).toEqual(['dispute_created']);
  });
});
