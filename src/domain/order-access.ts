import { ForbiddenError, NotFoundError } from './errors.js';
import { assertProcessing, isProcessing } from './order-status.js';
import type { OrderAccess, OrderKind, OrderRecord, Store } from './ports.js';
import type { Actor } from './users.js';

/** What the caller wants to do with an order; each intent adds its own rule. */
export type OrderIntent = 'read' | 'send' | 'complete' | 'credentials';

export const COMPLETE_NOT_PROCESSING_MESSAGE =
  'The order must be in processing status (pending or in_delivery) to be completed.';
export const CREDENTIALS_REFUNDED_MESSAGE = 'Credentials cannot be changed on a refunded order.';

/** Sellers and buyers see their own orders; admin keys see every order. */
export function assertParticipant(actor: Actor, order: { seller_id: number; buyer_id: number }): void {
  if (actor.isAdmin) return;
  if (order.seller_id !== actor.user.id && order.buyer_id !== actor.user.id) throw new ForbiddenError();
}

/** Acting as the seller (completing, delivering credentials): the buyer may not. */
export function assertSeller(actor: Actor, order: { seller_id: number }): void {
  if (actor.isAdmin) return;
  if (order.seller_id !== actor.user.id) throw new ForbiddenError();
}

/**
 * Checks, in the order GameBoost answers them: 404 for no such order of this kind, 403 for
 * someone else's, then the intent's own 403 (closed chat, completing a closed order, ...).
 */
export function checkAccess<O extends OrderAccess>(actor: Actor, order: O | undefined, intent: OrderIntent): O {
  if (!order) throw new NotFoundError();
  assertParticipant(actor, order);
  switch (intent) {
    case 'read':
      break;
    case 'send':
      assertProcessing(order.status);
      break;
    case 'complete':
      assertSeller(actor, order);
      if (!isProcessing(order.status)) throw new ForbiddenError(COMPLETE_NOT_PROCESSING_MESSAGE);
      break;
    case 'credentials':
      assertSeller(actor, order);
      if (order.status === 'refunded') throw new ForbiddenError(CREDENTIALS_REFUNDED_MESSAGE);
      break;
  }
  return order;
}

/** The checks, answering the whole order. */
export async function authorizeOrder(store: Store, actor: Actor, kind: OrderKind, id: number, intent: OrderIntent): Promise<OrderRecord> {
  return checkAccess(actor, await store.orders.findById(kind, id), intent);
}

/** The same checks for a caller that needs no more than the access columns (cheaper to read). */
export async function authorizeOrderAccess(store: Store, actor: Actor, kind: OrderKind, id: number, intent: OrderIntent): Promise<OrderAccess> {
  return checkAccess(actor, await store.orders.findAccess(kind, id), intent);
}
