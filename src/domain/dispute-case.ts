import { unixSeconds } from './clock.js';
import type { DisputeCasePatch, DisputeCaseRecord, DisputeEventRecord, DisputeEventType, DisputeOutcome } from './dispute-ports.js';
import { syncDeadlineJobs } from './dispute-jobs.js';
import { assertTransition, statusChangeText } from './order-status.js';
import { updateWithSystemMessage } from './orders.js';
import type { OrderRecord, Store } from './ports.js';

/**
 * The one write path of every dispute progression: the case patch, its timeline event, the
 * order's dispute flags (and refund), a system message in the order's chat, the webhook and the
 * deadline jobs, all in the caller's transaction.
 */

export interface DisputeView {
  dispute: DisputeCaseRecord;
  events: DisputeEventRecord[];
}

export interface EventActor {
  id: number;
  username: string;
}

export interface Progression {
  type: DisputeEventType;
  /** null: the system (an expired deadline). */
  actor: EventActor | null;
  patch: DisputeCasePatch;
  payload: Record<string, unknown>;
  evidence: string[];
  /** The system message written to the order's chat. */
  chatText: string;
  /** Refund the order (an accepted refund, a staff refund). */
  refund?: boolean;
}

/** Whether the case's closure ends in a refund of the order. */
export function refunds(outcome: DisputeOutcome | null | undefined): boolean {
  return outcome === 'refund';
}

/** Appends a system message and, with `refund`, refunds the order through the status path. */
async function touchOrder(tx: Store, order: OrderRecord, flags: { is_disputed: boolean; dispute_case_id: number }, text: string, refund: boolean, nowMs: number) {
  const now = unixSeconds(nowMs);
  let current = await updateWithSystemMessage(tx, order, flags, text, nowMs);
  if (refund && current.status !== 'refunded') {
    assertTransition(current.status, 'refunded');
    current = await updateWithSystemMessage(tx, current, { status: 'refunded', refunded_at: now }, statusChangeText(current.status, 'refunded'), nowMs);
  }
  return current;
}

/** Applies a progression to an open case; call inside a transaction with the order read (locked). */
export async function progress(tx: Store, order: OrderRecord, dispute: DisputeCaseRecord, step: Progression, nowMs: number): Promise<DisputeView> {
  const now = unixSeconds(nowMs);
  const updated = await tx.disputes.update(dispute.id, { ...step.patch, updated_at: now });
  const event = await tx.disputes.insertEvent({
    case_id: dispute.id,
    type: step.type,
    actor_id: step.actor?.id ?? null,
    actor_username: step.actor?.username ?? null,
    payload: step.payload,
    evidence_urls: step.evidence,
    created_at: now,
  });
  const open = updated.status !== 'closed';
  await touchOrder(tx, order, { is_disputed: open, dispute_case_id: dispute.id }, step.chatText, step.refund === true, nowMs);
  await syncDeadlineJobs(tx, updated);
  const events = await tx.disputes.listEvents(dispute.id);
  await tx.outbox.publish({ type: 'order.dispute.updated', dispute: updated, events, event, at: now });
  return { dispute: updated, events };
}

/** Writes a new case, its first event, the order's flags and chat message, the webhook. */
export async function create(tx: Store, order: OrderRecord, fields: Parameters<Store['disputes']['insert']>[0], actor: EventActor, evidence: string[], chatText: string, nowMs: number): Promise<DisputeView> {
  const now = unixSeconds(nowMs);
  const dispute = await tx.disputes.insert(fields);
  await tx.disputes.insertEvent({
    case_id: dispute.id, type: 'dispute_created', actor_id: actor.id, actor_username: actor.username, payload: {}, evidence_urls: evidence, created_at: now,
  });
  await touchOrder(tx, order, { is_disputed: true, dispute_case_id: dispute.id }, chatText, false, nowMs);
  await syncDeadlineJobs(tx, dispute);
  const events = await tx.disputes.listEvents(dispute.id);
  await tx.outbox.publish({ type: 'order.dispute.created', dispute, events, at: now });
  return { dispute, events };
}
