import { unixSeconds } from './clock.js';
import { openDisputeOf } from './dispute-lock.js';
import { ForbiddenError, NotFoundError } from './errors.js';
import type { DueJob, JobHandler } from './jobs.js';
import { assertParticipant } from './order-access.js';
import { isProcessing } from './order-status.js';
import { updateWithSystemMessage } from './orders.js';
import type { OrderKind, OrderRecord, Store } from './ports.js';
import type { Actor } from './users.js';

/**
 * Account orders complete when the buyer confirms, or by themselves 24 hours after the
 * credentials were delivered (GameBoost's rule). Parley's rules (docs/api.md, "Time and test
 * clocks"): credentials are delivered when an account order that is processing (pending or
 * in_delivery) gets them: an instant purchase, an admin-created order with credentials, and every
 * `PATCH .../credentials` on a processing order (a re-delivery restarts the 24 hours). The
 * completion is a scheduled job written in the delivery's own transaction; when it runs it
 * completes the order through the same function as the buyer's confirmation, unless the order
 * was completed, refunded or disputed since (then it does nothing).
 */
export const AUTO_COMPLETE_JOB = 'order.auto_complete';
export const AUTO_COMPLETE_AFTER_MS = 24 * 3600 * 1000;

export const AUTO_COMPLETED_TEXT = 'The order was completed automatically 24 hours after the credentials were delivered.';
export const BUYER_CONFIRMED_TEXT = 'The buyer confirmed the order: it is complete.';
export const CONFIRM_NOT_DELIVERED_MESSAGE = 'The order can be confirmed once the credentials are delivered.';
export const CONFIRM_NOT_ACCOUNT_MESSAGE = 'Only account orders are confirmed by the buyer; the seller completes item and currency orders.';

const orderKey = (order: { kind: OrderKind; id: number }) => `${order.kind}:${order.id}`;

/** Whether the order holds delivered credentials that the buyer has not confirmed yet. */
export function isAwaitingConfirmation(order: Pick<OrderRecord, 'kind' | 'status' | 'credentials'>): boolean {
  return order.kind === 'account' && isProcessing(order.status) && order.credentials !== null;
}

/** Listeners of deliveries, inside the delivery's transaction (the scripted buyer's trigger). */
type DeliveryListener = (tx: Store, order: OrderRecord, nowMs: number) => Promise<void>;
const deliveryListeners: DeliveryListener[] = [];

export function onCredentialsDelivered(listener: DeliveryListener): void {
  deliveryListeners.push(listener);
}

/**
 * Call in the transaction that gave the order its credentials: schedules (or moves) its
 * auto-completion to 24 hours from `nowMs`. Does nothing for an order that is not awaiting
 * confirmation (another kind, closed, no credentials).
 */
export async function credentialsDelivered(tx: Store, order: OrderRecord, nowMs: number): Promise<void> {
  if (!isAwaitingConfirmation(order)) return;
  await tx.jobs.schedule({ kind: AUTO_COMPLETE_JOB, key: orderKey(order), dueAtMs: nowMs + AUTO_COMPLETE_AFTER_MS, payload: { delivered_at_ms: nowMs } });
  for (const listener of deliveryListeners) await listener(tx, order, nowMs);
}

/** processing -> delivered with `completed_at`, a system message and the status event; call inside a transaction. */
async function completeAccountOrder(tx: Store, order: OrderRecord, text: string, nowMs: number): Promise<OrderRecord> {
  const updated = await updateWithSystemMessage(tx, order, { status: 'delivered', completed_at: unixSeconds(nowMs) }, text, nowMs);
  await tx.jobs.cancel(AUTO_COMPLETE_JOB, orderKey(order));
  return updated;
}

/**
 * The buyer confirms an account order whose credentials were delivered (the scripted buyer's
 * `confirm`; admin keys may act for the buyer). 404 no such order; 403 someone else's, a seller,
 * an order not awaiting confirmation, or one locked by an open dispute.
 */
export async function confirmOrder(store: Store, actor: Actor, kind: OrderKind, id: number): Promise<OrderRecord> {
  const nowMs = store.clock.nowMs();
  return store.transaction(async (tx) => {
    const order = await tx.orders.findById(kind, id);
    if (!order) throw new NotFoundError();
    assertParticipant(actor, order);
    if (!actor.isAdmin && actor.user.id !== order.buyer_id) throw new ForbiddenError();
    if (kind !== 'account') throw new ForbiddenError(CONFIRM_NOT_ACCOUNT_MESSAGE);
    if (!isAwaitingConfirmation(order)) throw new ForbiddenError(CONFIRM_NOT_DELIVERED_MESSAGE);
    const open = await openDisputeOf(tx, kind, id);
    if (open) throw new ForbiddenError(`The order is locked by open dispute case ${open.id}: it changes through the case.`);
    return completeAccountOrder(tx, order, BUYER_CONFIRMED_TEXT, nowMs);
  });
}

/** The job: completes the order if it still awaits confirmation and no dispute is open. */
export async function autoCompleteOrder(tx: Store, job: DueJob): Promise<OrderRecord | null> {
  const match = /^(account):([1-9]\d{0,15})$/.exec(job.key);
  if (!match) return null;
  const order = await tx.orders.findById('account', Number(match[2]));
  if (!order || !isAwaitingConfirmation(order) || order.is_disputed) return null;
  if (await openDisputeOf(tx, 'account', order.id)) return null;
  return completeAccountOrder(tx, order, AUTO_COMPLETED_TEXT, tx.clock.nowMs());
}

export const AUTO_COMPLETE_JOB_HANDLERS: Record<string, JobHandler> = {
  [AUTO_COMPLETE_JOB]: async (tx, job) => {
    await autoCompleteOrder(tx, job);
  },
};
