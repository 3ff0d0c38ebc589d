import { unixSeconds } from './clock.js';
import { openDisputeOf, ORDER_LOCKED_MESSAGE } from './dispute-lock.js';
import { ForbiddenError } from './errors.js';
import { authorizeOrder } from './order-access.js';
import { credentialsDelivered } from './auto-complete.js';
import { updateWithSystemMessage } from './orders.js';
import type { OrderKind, OrderRecord, Store } from './ports.js';
import type { Actor } from './users.js';

/**
 * The seller marks a processing order delivered (`POST .../complete`): status delivered,
 * completed_at set, and a system message in the thread, atomically.
 */
export async function completeOrder(store: Store, actor: Actor, kind: OrderKind, id: number): Promise<OrderRecord> {
  const nowMs = store.clock.nowMs();
  return store.transaction(async (tx) => {
    const order = await authorizeOrder(tx, actor, kind, id, 'complete');
    // An open dispute locks the order's status (docs/api.md, "Order disputes").
    if (order.is_disputed && (await openDisputeOf(tx, kind, id))) throw new ForbiddenError(ORDER_LOCKED_MESSAGE);
    return updateWithSystemMessage(tx, order, { status: 'delivered', completed_at: unixSeconds(nowMs) }, 'The seller marked the order as delivered.', nowMs);
  });
}

/**
 * Replaces the delivered credentials (`PATCH .../credentials`) and tells the buyer in the
 * thread. The text of the credentials never goes into the message.
 */
export async function replaceOrderCredentials(
  store: Store,
  actor: Actor,
  kind: OrderKind,
  id: number,
  credentials: string,
): Promise<OrderRecord> {
  const nowMs = store.clock.nowMs();
  return store.transaction(async (tx) => {
    const order = await authorizeOrder(tx, actor, kind, id, 'credentials');
    const updated = await updateWithSystemMessage(tx, order, { credentials }, 'The seller updated the delivered credentials. Please check the order details.', nowMs);
    // A (re-)delivery: the 24 hours to auto-completion start again.
    await credentialsDelivered(tx, updated, nowMs);
    return updated;
  });
}
