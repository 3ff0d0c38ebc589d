import type { DisputeCaseRecord } from './dispute-ports.js';
import type { OrderKind, Store } from './ports.js';

/** What a locked order answers to a seller's completion (403). */
export const ORDER_LOCKED_MESSAGE = 'The order is locked by an open dispute.';

/**
 * While a case is open the order is locked: its status (the seller's completion, the admin
 * PATCH, an auto-completion) and its dispute fields change only through the case. Credentials
 * and chat stay open: a replacement is how a seller settles many disputes.
 */
export async function openDisputeOf(store: Store, kind: OrderKind, orderId: number): Promise<DisputeCaseRecord | undefined> {
  return store.disputes.findOpenForOrder(kind, orderId);
}

/** The admin PATCH's 422s for fields an open case owns; {} when there is no open case. */
export async function lockedOrderChanges(store: Store, kind: OrderKind, orderId: number, fields: Record<string, unknown>): Promise<Record<string, string[]>> {
  const owned = ['status', 'is_disputed', 'dispute_case_id'].filter((f) => fields[f] !== undefined);
  if (owned.length === 0) return {};
  const open = await openDisputeOf(store, kind, orderId);
  if (!open) return {};
  const message = `The order is locked by open dispute case ${open.id}: it changes through the case.`;
  return Object.fromEntries(owned.map((f) => [f, [message]]));
}
