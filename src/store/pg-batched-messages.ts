import { CompiledQuery, type Transaction } from 'kysely';
import type { MessageStore, NewMessage, Store } from '../domain/ports.js';
import { messageSender } from '../domain/system-sender.js';
import type { Database } from './schema.js';

/**
 * One statement for any number of rows: the columns as arrays, unnested into rows. Its text never
 * changes, so PostgreSQL sees one statement shape whatever the batch size.
 */
const INSERT_MESSAGES = `insert into messages (id, order_kind, order_id, type, text, attachment, sender_id, sent_at)
select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[])`;

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
    const column = <T>(pick: (m: NewMessage) => T) => rows.map(pick);
    await trx.executeQuery(CompiledQuery.raw(INSERT_MESSAGES, [
      column((m) => m.id), column((m) => m.order_kind), column((m) => m.order_id), column((m) => m.type), column((m) => m.text),
      column((m) => (m.attachment === null ? null : JSON.stringify(m.attachment))), column((m) => m.sender?.id ?? null), column((m) => m.sent_at),
    ]));
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
