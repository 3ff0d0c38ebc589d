import { unixSeconds } from './clock.js';
import { ValidationError, type FieldErrors } from './errors.js';
import type { DomainEvent } from './events.js';
import { authorizeOrderAccess, checkAccess } from './order-access.js';
import type { MessageRecord, OrderAccess, OrderKind, SharedWork, Store, WorkOutcome } from './ports.js';
import type { Actor } from './users.js';

/**
 * Messages a thread read holds in memory at a time: a thread up to this size is read and
 * answered in one piece (the common case); a longer one is read page by page while it is
 * written out, so a read holds about one page whatever the thread's length.
 */
export const THREAD_PAGE_SIZE = 100;
/** The most `limit` may ask for (Parley's extension). */
export const MAX_THREAD_LIMIT = 1000;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** `?after=<message id>&limit=` as the client sent them (Parley's extension); empty counts as absent. */
export interface ThreadReadParams {
  after?: string;
  limit?: string;
}

/**
 * A thread read: `first` is the whole answer when `rest` is null; otherwise `rest()` yields the
 * following pages (each at most THREAD_PAGE_SIZE messages), read from the store one at a time as
 * the caller asks for them.
 */
export interface ThreadRead {
  first: MessageRecord[];
  rest: (() => AsyncGenerator<MessageRecord[]>) | null;
}

/** Laravel-worded checks of the extension's parameters (after the 404/403 checks). */
function parseThreadParams(params: ThreadReadParams): { after: string | null; limit: number | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const after = params.after?.trim() || null;
  const rawLimit = params.limit?.trim() || null;
  let limit: number | null = null;
  if (rawLimit !== null) {
    if (!/^-?\d+$/.test(rawLimit)) errors.limit = ['The limit field must be an integer.'];
    else if (Number(rawLimit) < 1 || Number(rawLimit) > MAX_THREAD_LIMIT) errors.limit = [`The limit field must be between 1 and ${MAX_THREAD_LIMIT}.`];
    else limit = Number(rawLimit);
  }
  return { after, limit, errors };
}

/**
 * The version of an order's whole thread for `actor` (checked as a read): its message count. Read
 * before the thread, it lets a caller keep what it built from an earlier read of the same version
 * (src/http/answer-cache.ts): a thread only ever grows.
 */
export async function orderThreadVersion(store: Store, actor: Actor, kind: OrderKind, id: number): Promise<number> {
  return checkAccess(actor, await store.orders.findThreadAccess(kind, id), 'read').messageCount;
}

/**
 * The thread, oldest first: all of it (GameBoost's answer), or with `after` the messages after
 * that one and with `limit` at most that many. An `after` that is not a message of this thread
 * is a 422, as Laravel's `exists` rule answers.
 */
export async function readOrderThread(store: Store, actor: Actor, kind: OrderKind, id: number, params: ThreadReadParams = {}): Promise<ThreadRead> {
  await authorizeOrderAccess(store, actor, kind, id, 'read');
  const { after, limit, errors } = parseThreadParams(params);
  // Message ids are ULIDs: anything else names no message, and is not worth a query.
  if (after !== null && (!ULID.test(after) || !(await store.messages.hasMessage(kind, id, after)))) errors.after = ['The selected after is invalid.'];
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  const wanted = limit ?? Number.POSITIVE_INFINITY;
  if (wanted <= THREAD_PAGE_SIZE) return { first: await store.messages.listThread(kind, id, { after, limit: wanted }), rest: null };
  // One more than a page tells whether there is more without a count.
  const head = await store.messages.listThread(kind, id, { after, limit: THREAD_PAGE_SIZE + 1 });
  if (head.length <= THREAD_PAGE_SIZE) return { first: head, rest: null };
  const first = head.slice(0, THREAD_PAGE_SIZE);
  return {
    first,
    async *rest() {
      // The thread as it stood when the read began: messages are only ever appended, so pages
      // up to its newest message then add up to the answer one read would have given.
      const upTo = await store.messages.lastMessageId(kind, id);
      let left = wanted - first.length;
      let cursor = first[first.length - 1]!.id;
      while (left > 0) {
        const page = await store.messages.listThread(kind, id, { after: cursor, upTo, limit: Math.min(left, THREAD_PAGE_SIZE) });
        if (page.length === 0) return;
        yield page;
        left -= page.length;
        cursor = page[page.length - 1]!.id;
        if (page.length < THREAD_PAGE_SIZE) return;
      }
    },
  };
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
  scopeOf: (send) => `${send.kind}:${send.id}`,
  async run(tx, sends) {
    // Within the transaction no one else writes: an order read once holds for every send to it.
    const orders = new Map<string, Promise<OrderAccess | undefined>>();
    // Every order is read (on PostgreSQL: locked) before any write, in one order (kind, then id):
    // two batches sending to the same orders then never wait on each other in a cycle. The reads
    // queue on the transaction's connection in that order; each is awaited in the loop below.
    const distinct = [...new Map(sends.map((send) => [`${send.kind}:${send.id}`, send])).values()]
      .sort((a, b) => (a.kind === b.kind ? a.id - b.id : a.kind < b.kind ? -1 : 1));
    for (const send of distinct) {
      const order = tx.orders.findAccess(send.kind, send.id);
      order.catch(() => undefined); // handled where it is awaited, not before
      orders.set(`${send.kind}:${send.id}`, order);
    }
    const outcomes: WorkOutcome<MessageRecord>[] = [];
    const events: DomainEvent[] = [];
    for (const send of sends) {
      let access: OrderAccess;
      try {
        access = checkAccess(send.actor, await orders.get(`${send.kind}:${send.id}`)!, 'send');
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
