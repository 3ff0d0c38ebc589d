import { assertParticipant } from './account-orders.js';
import { unixNow } from './clock.js';
import { NotFoundError } from './errors.js';
import { newMessageId } from './message-id.js';
import { assertProcessing, type OrderStatus } from './order-status.js';
import type { MessageRecord, OrderKind, Store } from './ports.js';
import type { Actor } from './users.js';

/** What the chat needs of an order, whatever its kind. */
interface ChatOrder {
  seller_id: number;
  buyer_id: number;
  status: OrderStatus;
}

function findChatOrder(store: Store, kind: OrderKind, id: number): Promise<ChatOrder | undefined> {
  switch (kind) {
    case 'account':
      return store.accountOrders.findById(id);
  }
}

/**
 * Checks, in the order GameBoost answers them, that the actor may use this thread:
 * 404 for no such order, 403 for someone else's, 403 when sending to a closed order.
 */
export async function authorizeOrderChat(store: Store, actor: Actor, kind: OrderKind, id: number, intent: 'read' | 'send'): Promise<void> {
  const order = await findChatOrder(store, kind, id);
  if (!order) throw new NotFoundError();
  assertParticipant(actor, order);
  if (intent === 'send') assertProcessing(order.status);
}

export async function listOrderMessages(store: Store, actor: Actor, kind: OrderKind, id: number): Promise<MessageRecord[]> {
  await authorizeOrderChat(store, actor, kind, id, 'read');
  return store.messages.listThread(kind, id);
}

/**
 * Appends a user message. The checks run again inside the transaction so a status change
 * racing with the send cannot let a message into a closed order. The promise resolves only
 * after the commit, so a 200 built from it is always durable.
 */
export async function sendOrderMessage(store: Store, actor: Actor, kind: OrderKind, id: number, text: string, now = unixNow()): Promise<MessageRecord> {
  return store.transaction(async (tx) => {
    await authorizeOrderChat(tx, actor, kind, id, 'send');
    return tx.messages.insert({
      id: newMessageId(),
      order_kind: kind,
      order_id: id,
      type: 'user_message',
      text,
      attachment: null,
      sender_id: actor.user.id,
      sent_at: now,
    });
  });
}
