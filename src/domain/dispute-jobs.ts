import type { DisputeCaseRecord } from './dispute-ports.js';
import type { Store } from './ports.js';

/** The scheduler's job kinds for a case's two deadlines; the key is the case id. */
export const SELLER_DEADLINE_JOB = 'dispute.seller_response_due';
export const BUYER_DEADLINE_JOB = 'dispute.buyer_response_due';

/**
 * Keeps the case's pending deadline jobs in step with its state, in the caller's transaction:
 * the deadline of the party that must act is scheduled at its due time, the other one is
 * cancelled; under review and once closed, neither is pending. The handlers check the case
 * again when they run (dispute-deadlines.ts), so a job left behind changes nothing.
 */
export async function syncDeadlineJobs(tx: Store, dispute: DisputeCaseRecord): Promise<void> {
  const { jobs } = tx;
  const key = String(dispute.id);
  const due = (at: number | null) => (at === null ? null : at * 1000);
  const seller = dispute.status === 'waiting_for_seller' ? due(dispute.seller_response_due_at) : null;
  const buyer = dispute.status === 'waiting_for_buyer' ? due(dispute.buyer_response_due_at) : null;
  if (seller !== null) await jobs.schedule({ kind: SELLER_DEADLINE_JOB, key, dueAtMs: seller });
  else await jobs.cancel(SELLER_DEADLINE_JOB, key);
  if (buyer !== null) await jobs.schedule({ kind: BUYER_DEADLINE_JOB, key, dueAtMs: buyer });
  else await jobs.cancel(BUYER_DEADLINE_JOB, key);
}
