import { CompiledQuery, type Transaction } from 'kysely';
import type { MessageStore, NewMessage, Store } from '../domain/ports.js';
import { messageSender } from '../domain/system-sender.js';
import { prepareOnce } from './prepared-statements.js';
import type { Database } from './schema.js';

/**
 * One statement for any number of rows: the rows as one JSON array (one native JSON.stringify;
 * text arrays cost node-postgres an escaping pass over every text). Its text never changes, so
 * PostgreSQL prepares it once per connection whatever the batch size.
 */
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
  let held: NewMessage[] = [];
  const flush = async () => {
    if (held.length === 0) return;
    const rows = held;
    held = [];
    const json = JSON.stringify(rows.map((m) => ({
      id: m.id, order_kind: m.order_kind, order_id: m.order_id, type: m.type, text: m.text,
      attachment: m.attachment === null ? null : JSON.stringify(m.attachment), sender_id: m.sender?.id ?? null, sent_at: m.sent_at,
    })));
    await trx.executeQuery(CompiledQuery.raw(INSERT_MESSAGES, [json]));
  };
  const inner = store.messages;
  const messages: MessageStore = {
    async insert(message) {
      held.push(message);
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
