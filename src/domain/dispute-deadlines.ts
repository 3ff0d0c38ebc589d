import { progress, type DisputeView } from './dispute-case.js';
import { BUYER_DEADLINE_JOB, SELLER_DEADLINE_JOB } from './dispute-jobs.js';
import type { DisputeCaseRecord } from './dispute-ports.js';
import type { DueJob, JobHandler } from './jobs.js';
import { closing, reviewing } from './disputes.js';
import type { Store } from './ports.js';

/**
 * What happens when a case's deadline passes (docs/api.md, "Order disputes"):
 * - the seller's (`seller_response_due_at`, while `waiting_for_seller`): the case goes to
 *   GameBoost, `under_review` with escalation `seller_response_expired`; the order stays locked;
 * - the buyer's (`buyer_response_due_at`, while `waiting_for_buyer`, after a counter): the case
 *   closes, `buyer_response_expired` with outcome `rejected`; the order is unlocked, unchanged.
 * Each is a guarded transition: it does nothing unless the case is still in that status and
 * its deadline is due by the application clock, so running it twice, late or for a deadline
 * that moved since, changes nothing.
 */

type Which = 'seller' | 'buyer';

function isDue(dispute: DisputeCaseRecord, which: Which, now: number): boolean {
  const status = which === 'seller' ? 'waiting_for_seller' : 'waiting_for_buyer';
  const due = which === 'seller' ? dispute.seller_response_due_at : dispute.buyer_response_due_at;
  return dispute.status === status && due !== null && due <= now;
}

/** Expires the case's `which` deadline if it is due; answers the case after, or null when nothing was due. */
export function expireDeadline(store: Store, caseId: number, which: Which): Promise<DisputeView | null> {
  const nowMs = store.clock.nowMs();
  const now = Math.floor(nowMs / 1000);
  return store.transaction(async (tx) => {
    // The case row first (locked on PostgreSQL), as every dispute step takes it.
    const dispute = await tx.disputes.findById(caseId);
    if (!dispute || !isDue(dispute, which, now)) return null;
    const order = await tx.orders.findById(dispute.order_kind, dispute.order_id);
    if (!order) return null;
    if (which === 'seller') {
      return progress(tx, order, dispute, {
        type: 'seller_response_expired', actor: null, payload: { due_at: dispute.seller_response_due_at }, evidence: [],
        patch: reviewing('seller_response_expired'),
        chatText: 'The seller did not respond in time: the dispute went to GameBoost for review.',
      }, nowMs);
    }
    return progress(tx, order, dispute, {
      type: 'buyer_response_expired', actor: null, payload: { due_at: dispute.buyer_response_due_at }, evidence: [],
      patch: closing(dispute, now, 'buyer_response_expired', 'rejected'),
      chatText: 'The buyer did not respond in time: the dispute is closed.',
    }, nowMs);
  });
}

/** A due job's key is the case id; a key that is not one names no case (nothing to do). */
function caseIdOf(key: string): number | null {
  return /^[1-9]\d{0,15}$/.test(key) ? Number(key) : null;
}

function handler(which: Which): JobHandler {
  return async (store: Store, job: DueJob): Promise<void> => {
    const id = caseIdOf(job.key);
    if (id !== null) await expireDeadline(store, id, which);
  };
}

/** The scheduler's handlers for the dispute deadline jobs (src/domain/job-handlers.ts). */
export const DISPUTE_JOB_HANDLERS: Record<string, JobHandler> = {
  [SELLER_DEADLINE_JOB]: handler('seller'),
  [BUYER_DEADLINE_JOB]: handler('buyer'),
};
