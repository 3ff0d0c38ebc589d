import { unixNow } from './clock.js';
import { newMessageId } from './message-id.js';
import { authorizeOrderAccess } from './order-access.js';
import type { MessageRecord, OrderKind, Store } from './ports.js';
import type { Actor } from './users.js';

export async function listOrderMessages(store: Store, actor: Actor, kind: OrderKind, id: number): Promise<MessageRecord[]> {
  await authorizeOrderAccess(store, actor, kind, id, 'read');
  return store.messages.listThread(kind, id);
}

/**
 * Appends a user message. The checks run again inside the transaction so a status change
 * racing with the send cannot let a message into a closed order. The promise resolves only
 * after the commit, so a 200 built from it is always durable.
 */
export async function sendOrderMessage(store: Store, actor: Actor, kind: OrderKind, id: number, text: string, now = unixNow()): Promise<MessageRecord> {
  return store.transaction(async (tx) => {
    const order = await authorizeOrderAccess(tx, actor, kind, id, 'send');
    const message = await tx.messages.insert({
      id: newMessageId(),
      order_kind: kind,
      order_id: id,
      type: 'user_message',
      text,
      attachment: null,
      sender: actor.user,
      sent_at: now,
    });
    await tx.outbox.publish({ type: 'order.message.created', order: { kind, id, seller_id: order.seller_id }, message });
    return message;
  });
}
