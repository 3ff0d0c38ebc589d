import type { Transaction } from 'kysely';
import type { MessageStore, Store } from '../domain/ports.js';
import { messageSender } from '../domain/system-sender.js';
import { heldRows } from './held-rows.js';
import { prepareOnce } from './prepared-statements.js';
import type { Database } from './schema.js';

/** A message as INSERT_MESSAGES takes it: the columns, the attachment as JSON text. */
interface MessageRow {
  id: string; order_kind: string; order_id: number; type: string; text: string;
  attachment: string | null; sender_id: number | null; sent_at: number;
}

/** One statement for any number of rows (held-rows.ts), prepared once per connection whatever the batch size. */
const INSERT_MESSAGES = prepareOnce(`insert into messages (id, order_kind, order_id, type, text, attachment, sender_id, sent_at)
select id, order_kind, order_id, type, text, attachment, sender_id, sent_at
from json_to_recordset($1::json) as m(id text, order_kind text, order_id bigint, type text, text text, attachment text, sender_id bigint, sent_at bigint)`);

/**
 * A shared unit's store on PostgreSQL (pg-group-commit.ts) whose message inserts are held and
 * written together, in one statement, by `flush()` before the COMMIT: a batch of N sends costs one
 * INSERT round trip instead of N. The store's own message reads flush first, so the unit reads
 * its own writes. A flush that fails fails the unit as a whole, whose items then run alone.
 */
export function withBatchedMessageInserts(store: Store, trx: Transaction<Database>): { store: Store; flush(): Promise<void> } {
  const held = heldRows<MessageRow>(INSERT_MESSAGES);
  const flush = () => held.flush(trx);
  const inner = store.messages;
  const messages: MessageStore = {
    async insert(message) {
      held.hold({
        id: message.id, order_kind: message.order_kind, order_id: message.order_id, type: message.type, text: message.text,
        attachment: message.attachment === null ? null : JSON.stringify(message.attachment), sender_id: message.sender?.id ?? null, sent_at: message.sent_at,
      });
      const { id, order_kind, order_id, type, text, attachment, sender, sent_at } = message;
      return { id, order_kind, order_id, type, text, attachment, sender: messageSender(sender), sent_at };
    },
    async listThread(...args) {
      await flush();
      return inner.listThread(...args);
    },
    async hasMessage(...args) {
      await flush();
      return inner.hasMessage(...args);
    },
    async lastMessageId(...args) {
      await flush();
      return inner.lastMessageId(...args);
    },
  };
  const transaction: Store['transaction'] = async (fn) => {
    // A nested transaction's store reads messages directly: what is held goes first.
    await flush();
    return store.transaction(fn);
  };
  return { store: { ...store, messages, transaction }, flush };
}
