import { unixSeconds } from './clock.js';
import type { DomainEvent } from './events.js';
import { authorizeOrderAccess, checkAccess } from './order-access.js';
import type { MessageRecord, OrderAccess, OrderKind, SharedWork, Store, WorkOutcome } from './ports.js';
import type { Actor } from './users.js';

export async function listOrderMessages(store: Store, actor: Actor, kind: OrderKind, id: number): Promise<MessageRecord[]> {
  await authorizeOrderAccess(store, actor, kind, id, 'read');
  return store.messages.listThread(kind, id);
}

/**
 * Appends a user message. The checks run again inside the transaction so a status change
 * racing with the send cannot let a message into a closed order. The promise resolves only
 * after the commit, so a 200 built from it is always durable. Sends arriving together share
 * one transaction where the store batches commits (SQLite), each with its own outcome.
 */
export function sendOrderMessage(store: Store, actor: Actor, kind: OrderKind, id: number, text: string): Promise<MessageRecord> {
  return store.shareTransaction(APPEND_MESSAGES, { actor, kind, id, text, nowMs: store.clock.nowMs() });
}

/** One send. */
export interface MessageSend {
  actor: Actor;
  kind: OrderKind;
  id: number;
  text: string;
  /** The clock's one reading for this send: its message id and `sent_at` both come from it. */
  nowMs: number;
}

/**
 * The sends that share a transaction: the same checks and writes as one send alone, but each
 * order is read once and each seller's endpoints looked up once. A send the checks refuse gets
 * its error and writes nothing; nothing after the checks is expected to fail (if a write does,
 * the store runs each send again alone).
 */
const APPEND_MESSAGES: SharedWork<MessageSend, MessageRecord> = {
  async run(tx, sends) {
    // Within the transaction no one else writes: an order read once holds for every send to it.
    const orders = new Map<string, Promise<OrderAccess | undefined>>();
    const outcomes: WorkOutcome<MessageRecord>[] = [];
    const events: DomainEvent[] = [];
    for (const send of sends) {
      const key = `${send.kind}:${send.id}`;
      let order = orders.get(key);
      if (!order) orders.set(key, (order = tx.orders.findAccess(send.kind, send.id)));
      let access: OrderAccess;
      try {
        access = checkAccess(send.actor, await order, 'send');
      } catch (error) {
        outcomes.push({ ok: false, error });
        continue;
      }
      const message = await tx.messages.insert({
        id: tx.messageIds.next(send.nowMs),
        order_kind: send.kind,
        order_id: send.id,
        type: 'user_message',
        text: send.text,
        attachment: null,
        sender: send.actor.user,
        sent_at: unixSeconds(send.nowMs),
      });
      outcomes.push({ ok: true, value: message });
      events.push({ type: 'order.message.created', order: { kind: send.kind, id: send.id, seller_id: access.seller_id }, message });
    }
    await tx.outbox.publishAll(events);
    return outcomes;
  },
};
