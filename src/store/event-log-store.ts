import { sql, type Kysely, type Transaction } from 'kysely';
import { payloadJson, type EventFormatter } from '../contract/webhook-events.js';
import type { DomainEvent } from '../domain/events.js';
import { orderOfEvent, type EventLogStore, type EventScope, type LoggedEvent } from '../domain/event-log.js';
import type { Clock } from '../domain/clock.js';
import type { OrderKind, OutboxStore } from '../domain/ports.js';
import type { DialectName } from './database.js';
import type { Db } from './kysely-store.js';
import { heldRows } from './held-rows.js';
import { param, precompile, type PrecompiledQuery } from './precompiled-query.js';
import { prepareOnce } from './prepared-statements.js';
import type { QueryRunner, QueryRunners } from './query-runner.js';
import type { Database } from './schema.js';

/** Rows one numbering run of PostgreSQL gives numbers to, at most. */
const SEQUENCE_BATCH = 5_000;

type AppendArgs = { topic: string; payload: string; created_at: number; kind: string; id: number };

/**
 * The log's insert, taking the order's seller and buyer from its row in the same statement (the
 * events of a send name only the seller): one statement per event, no read-back.
 */
function appendQuery(db: Kysely<Database>): PrecompiledQuery<AppendArgs> {
  return precompile<AppendArgs>(
    db
      .insertInto('stream_events')
      .columns(['topic', 'order_kind', 'order_id', 'seller_id', 'buyer_id', 'payload', 'created_at'])
      .expression(
        db
          .selectFrom('orders')
          .select([
            sql<string>`cast(${param('topic')} as text)`.as('topic'),
            'kind',
            'id',
            'seller_id',
            'buyer_id',
            sql<string>`cast(${param('payload')} as text)`.as('payload'),
            sql<number>`cast(${param('created_at')} as bigint)`.as('created_at'),
          ])
          .where('kind', '=', param('kind'))
          .where('id', '=', param('id')),
      ),
  );
}

/** Writes the log's rows inside the transaction of the change they describe. */
export interface EventLogWriter {
  /** Appends the events that concern an order (webhook tests do not); `nowSeconds` stamps them for retention. */
  append(db: Db, events: readonly DomainEvent[], nowSeconds: number): Promise<void>;
}

/** The log rows of `events`: those about an order, as the streams carry them. */
function rowsOf(formatEvent: EventFormatter, events: readonly DomainEvent[], nowSeconds: number): AppendArgs[] {
  const rows: AppendArgs[] = [];
  for (const event of events) {
    const order = orderOfEvent(event);
    if (order === null) continue;
    const formatted = formatEvent(event);
    if (formatted.endpointId !== undefined) continue;
    rows.push({
      topic: formatted.topic,
      // Compact JSON in the serializers' key order: the bytes of the webhook body's `payload`.
      payload: payloadJson(formatted),
      created_at: nowSeconds,
      kind: order.kind,
      id: order.id,
    });
  }
  return rows;
}

export function eventLogWriter(db: Kysely<Database>, runners: QueryRunners, formatEvent: EventFormatter): EventLogWriter {
  const insert = appendQuery(db);
  return {
    async append(tx, events, nowSeconds) {
      const runner = tx.isTransaction ? runners.inTransaction(tx as Transaction<Database>) : runners.write;
      for (const row of rowsOf(formatEvent, events, nowSeconds)) await runner.run(insert, row);
    },
  };
}

/**
 * All the rows of a batch in one statement (PostgreSQL, held-rows.ts), taken in their order, each
 * joined to its order's row for the seller and buyer. The serial ids, and so the numbers the log
 * gives after the commit, follow that order.
 */
const INSERT_EVENTS = prepareOnce(`insert into stream_events (topic, order_kind, order_id, seller_id, buyer_id, payload, created_at)
select u.topic, o.kind, o.id, o.seller_id, o.buyer_id, u.payload, u.created_at
from rows from (json_to_recordset($1::json) as (topic text, payload text, kind text, id bigint, created_at bigint))
  with ordinality as u(topic, payload, kind, id, created_at, n)
join orders o on o.kind = u.kind and o.id = u.id
order by u.n`);

/**
 * A shared unit's log writer on PostgreSQL (pg-group-commit.ts): the rows of every send of the
 * batch are held and written by `flush()` in one INSERT before the COMMIT, instead of one round
 * trip each. A flush that fails fails the unit as a whole, whose items then run alone.
 */
export function heldEventLog(formatEvent: EventFormatter): EventLogWriter & { flush(trx: Transaction<Database>): Promise<void> } {
  const held = heldRows<AppendArgs>(INSERT_EVENTS);
  return {
    async append(_tx, events, nowSeconds) {
      for (const row of rowsOf(formatEvent, events, nowSeconds)) held.hold(row);
    },
    flush: (trx) => held.flush(trx),
  };
}

type Row = Omit<LoggedEvent, 'seq' | 'order_kind'> & { seq: number | string; order_kind: string };

function toEvent(row: Row): LoggedEvent {
  return { ...row, seq: Number(row.seq), order_id: Number(row.order_id), seller_id: Number(row.seller_id), buyer_id: Number(row.buyer_id), order_kind: row.order_kind as OrderKind };
}

/**
 * The log as the streams read it. `reader` runs the hot reads (SQLite: the read-only
 * connection, so a stream's read never queues behind the group commit).
 */
export function eventLogStore(db: Kysely<Database>, dialect: DialectName, reader: QueryRunner): EventLogStore {
  const pg = dialect === 'postgres';
  // The event's number: `seq` on PostgreSQL, the row id on SQLite (see 0015_event_sequence).
  const seqColumn = pg ? 'seq' : 'id';
  const ref = sql.ref(`stream_events.${seqColumn}`);
  const base = () =>
    db
      .selectFrom('stream_events')
      .select([sql<number>`${ref}`.as('seq'), 'topic', 'order_kind', 'order_id', 'seller_id', 'buyer_id', 'payload'])
      .where(sql<boolean>`${ref} > ${param('after')}`)
      .where(sql<boolean>`${ref} <= ${param('through')}`)
      .orderBy(sql`${ref}`)
      .limit(param('limit'));
  const queries = {
    all: precompile<{ after: number; through: number; limit: number }>(base()),
    order: precompile<{ after: number; through: number; limit: number; kind: string; id: number }>(
      base().where('order_kind', '=', param('kind')).where('order_id', '=', param('id'))),
    user: precompile<{ after: number; through: number; limit: number; user: number; user2: number }>(
      base().where((eb) => eb.or([eb('seller_id', '=', param('user')), eb('buyer_id', '=', param('user2'))]))),
  };
  const prunedThrough = async () =>
    Number((await db.selectFrom('event_sequence').select('pruned_through').where('id', '=', 1).executeTakeFirst())?.pruned_through ?? 0);

  return {
    async read(scope: EventScope, after: number, limit: number, through = Number.MAX_SAFE_INTEGER) {
      let rows: Row[];
      switch (scope.kind) {
        case 'all':
          rows = await reader.all<Row, { after: number; through: number; limit: number }>(queries.all, { after, through, limit });
          break;
        case 'order':
          rows = await reader.all<Row, { after: number; through: number; limit: number; kind: string; id: number }>(
            queries.order, { after, through, limit, kind: scope.orderKind, id: scope.orderId });
          break;
        case 'user':
          rows = await reader.all<Row, { after: number; through: number; limit: number; user: number; user2: number }>(
            queries.user, { after, through, limit, user: scope.userId, user2: scope.userId });
          break;
      }
      return rows.map(toEvent);
    },
    async head() {
      if (pg) return Number((await db.selectFrom('event_sequence').select('last_seq').where('id', '=', 1).executeTakeFirst())?.last_seq ?? 0);
      const row = await db.selectFrom('stream_events').select((eb) => eb.fn.max('id').as('head')).executeTakeFirst();
      // Everything may have been pruned: the numbers given then still count.
      return Math.max(Number(row?.head ?? 0), await prunedThrough());
    },
    prunedThrough,
    async sequence() {
      if (!pg) return { pending: false };
      // Most runs find nothing (another instance numbered it): a read, not a locking transaction.
      const waiting = await sql`select 1 as one from stream_events where seq is null limit 1`.execute(db);
      if (waiting.rows.length === 0) return { pending: false };
      return db.transaction().execute(async (trx) => {
        // The counter's row lock: numbering runs (of any instance) take turns, and each one's
        // statements see the numbers of the run before it.
        const { last_seq } = await trx.selectFrom('event_sequence').select('last_seq').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
        const last = Number(last_seq);
        // Every committed row without a number, in insert order. Rows committed after this
        // statement's snapshot are numbered by a later run, above these: a reader never sees a
        // number appear below one it has already seen.
        const result = await sql`
          with todo as (
            select id, row_number() over (order by id) as n from stream_events
            where seq is null order by id limit ${SEQUENCE_BATCH}
          )
          update stream_events s set seq = ${last} + todo.n from todo where s.id = todo.id`.execute(trx);
        const numbered = Number(result.numAffectedRows ?? 0);
        if (numbered > 0) await trx.updateTable('event_sequence').set({ last_seq: last + numbered }).where('id', '=', 1).execute();
        // A full batch: more may be waiting.
        return { pending: numbered === SEQUENCE_BATCH };
      });
    },
    async prune(cutoffSeconds, limit) {
      const oldest = await db
        .selectFrom('stream_events')
        .select([sql<number>`${ref}`.as('seq'), 'created_at'])
        .where(sql<boolean>`${ref} is not null`)
        .orderBy(sql`${ref}`)
        .limit(limit)
        .execute();
      // A prefix only: numbers below `pruned_through` are all gone, none above it is.
      let through: number | null = null;
      for (const row of oldest) {
        if (Number(row.created_at) >= cutoffSeconds) break;
        through = Number(row.seq);
      }
      if (through === null) return 0;
      const upTo = through;
      return db.transaction().execute(async (trx) => {
        const deleted = await trx.deleteFrom('stream_events').where(sql<boolean>`${ref} <= ${upTo}`).executeTakeFirst();
        await trx
          .updateTable('event_sequence')
          .set({ pruned_through: sql<number>`case when pruned_through < ${upTo} then ${upTo} else pruned_through end` })
          .where('id', '=', 1)
          .execute();
        return Number(deleted.numDeletedRows);
      });
    },
  };
}

/** The outbox, also writing each published event to the log, in the same transaction. */
export function loggedOutbox(outbox: OutboxStore, db: Db, writer: EventLogWriter, clock: Clock): OutboxStore {
  return {
    ...outbox,
    async publish(event) {
      const id = await outbox.publish(event);
      await writer.append(db, [event], clock.now());
      return id;
    },
    async publishAll(events) {
      const ids = await outbox.publishAll(events);
      await writer.append(db, events, clock.now());
      return ids;
    },
  };
}
