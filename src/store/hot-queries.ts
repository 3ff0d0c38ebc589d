import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { ManyRead } from './batched-reads.js';
import { param, precompile, type PrecompiledQuery } from './precompiled-query.js';
import { bumpSellerVersionQuery } from './seller-versions.js';
import type { Database } from './schema.js';

/** The queries every chat request runs, compiled once per database (see precompiled-query.ts). */
export function hotQueries(db: Kysely<Database>, dialect: 'sqlite' | 'postgres') {
  const order = db
    .selectFrom('orders')
    .innerJoin('games', 'games.id', 'orders.game_id')
    .innerJoin('users as buyer', 'buyer.id', 'orders.buyer_id')
    .selectAll('orders')
    .select(['games.name as game_name', 'games.slug as game_slug', 'buyer.username as buyer_username'])
    .where('orders.kind', '=', param('kind'))
    .where('orders.id', '=', param('id'));
  const accessOfKind = db
    .selectFrom('orders')
    .select(['kind', 'id', 'seller_id', 'buyer_id', 'status'])
    .where('kind', '=', param('kind'));
  const access = accessOfKind.where('id', '=', param('id'));
  // The same reads for a list of ids (PostgreSQL's batched version reads, batched-reads.ts).
  const accessMany = accessOfKind.where(sql<boolean>`id = any(${param('ids')})`);
  const messageCount = (eb: ExpressionBuilder<Database, 'orders'>) =>
    eb.selectFrom('messages').select((m) => m.fn.countAll().as('n'))
      .whereRef('messages.order_kind', '=', 'orders.kind').whereRef('messages.order_id', '=', 'orders.id')
      .as('message_count');
  // A thread page: a range over the thread's primary key (order_kind, order_id, id), one query
  // per shape (with or without each bound); the limit is always bound.
  const thread = (after: boolean, upTo: boolean) => {
    let q = db
      .selectFrom('messages')
      .leftJoin('users', 'users.id', 'messages.sender_id')
      .selectAll('messages')
      .select(['users.username as sender_username', 'users.role as sender_role'])
      .where('messages.order_kind', '=', param('kind'))
      .where('messages.order_id', '=', param('order_id'));
    if (after) q = q.where('messages.id', '>', param('after'));
    if (upTo) q = q.where('messages.id', '<=', param('up_to'));
    return precompile<ThreadArgs>(q.orderBy('messages.id').limit(param('limit')));
  };
  const threads = [thread(false, false), thread(true, false), thread(false, true), thread(true, true)] as const;
  const queries = {
    /** The thread query for a range: pick with threadQuery(). */
    threads,
    /** A new version of an order's seller's list (seller-versions.ts). */
    bumpSellerVersion: bumpSellerVersionQuery(db),
    /** A seller's order list version (OrderStore.sellerVersion). */
    sellerVersion: precompile<{ kind: string; seller_id: number }>(
      db.selectFrom('seller_order_versions').select('version').where('kind', '=', param('kind')).where('seller_id', '=', param('seller_id'))),
    /** The access columns and the order's version (OrderStore.findVersionedAccess). */
    findVersionedAccess: precompile<{ kind: string; id: number }>(access.select('version')),
    /** The access columns and the thread's message count (OrderStore.findThreadAccess): one read. */
    findThreadAccess: precompile<{ kind: string; id: number }>(access.select(messageCount)),
    findAccess: precompile<{ kind: string; id: number }>(access),
    findAccessLocked: dialect === 'postgres' ? precompile<{ kind: string; id: number }>(access.forNoKeyUpdate()) : null,
    findOrder: precompile<{ kind: string; id: number }>(order),
    /** PostgreSQL, inside a write transaction: see orderStore.findById. */
    findOrderLocked: dialect === 'postgres' ? precompile<{ kind: string; id: number }>(order.forNoKeyUpdate('orders')) : null,
    insertMessage: precompile<{
      id: string; order_kind: string; order_id: number; type: string; text: string;
      attachment: string | null; sender_id: number | null; sent_at: number;
    }>(
      db.insertInto('messages').values({
        id: param('id'), order_kind: param('order_kind'), order_id: param('order_id'), type: param('type'), text: param('text'),
        attachment: param('attachment'), sender_id: param('sender_id'), sent_at: param('sent_at'),
      }),
    ),
    insertEvent: precompile<{ id: string; topic: string; user_id: number; payload: string; created_at: number }>(
      db.insertInto('webhook_events').values({
        id: param('id'), topic: param('topic'), user_id: param('user_id'), payload: param('payload'), created_at: param('created_at'),
      }),
    ),
    /** One pending delivery of a new event (the outbox write of every send with a subscribed endpoint). */
    insertDelivery: precompile<{ event_id: string; endpoint_id: number; next_attempt_at_ms: number; created_at: number }>(
      db.insertInto('webhook_deliveries').values({
        event_id: param('event_id'), endpoint_id: param('endpoint_id'), state: 'pending', attempts: 0,
        next_attempt_at_ms: param('next_attempt_at_ms'), lease_until_ms: null, created_at: param('created_at'), finished_at: null,
      }),
    ),
    /**
     * The live endpoints of an order's seller, with the seller (one row with a null id when there
     * are none); PostgreSQL's group commit reads them behind the order (pg-endpoint-prefetch.ts).
     */
    liveEndpointsOfOrderSeller: precompile<{ kind: string; id: number }>(
      db
        .selectFrom('orders')
        .leftJoin('webhook_endpoints', (join) => join
          .onRef('webhook_endpoints.user_id', '=', 'orders.seller_id')
          .on('webhook_endpoints.deleted_at', 'is', null)
          .on('webhook_endpoints.disabled_at', 'is', null))
        .select(['orders.seller_id as user_id', 'webhook_endpoints.id', 'webhook_endpoints.events'])
        .where('orders.kind', '=', param('kind'))
        .where('orders.id', '=', param('id'))
        .orderBy('webhook_endpoints.id'),
    ),
    liveEndpointsOfUser: precompile<{ user_id: number }>(
      db
        .selectFrom('webhook_endpoints')
        .select(['id', 'events'])
        .where('user_id', '=', param('user_id'))
        .where('deleted_at', 'is', null)
        .where('disabled_at', 'is', null),
    ),
  };
  /** PostgreSQL: the version reads and their many-row forms (batched-reads.ts); null on SQLite. */
  const versionReads = dialect === 'postgres'
    ? new Map<PrecompiledQuery<never>, ManyRead>([
      [queries.findVersionedAccess as PrecompiledQuery<never>, { many: precompile(accessMany.select('version')), idArg: 'id', idColumn: 'id' }],
      [queries.findThreadAccess as PrecompiledQuery<never>, { many: precompile(accessMany.select(messageCount)), idArg: 'id', idColumn: 'id' }],
      [queries.sellerVersion as PrecompiledQuery<never>, {
        many: precompile(db.selectFrom('seller_order_versions').select(['seller_id', 'version']).where('kind', '=', param('kind')).where(sql<boolean>`seller_id = any(${param('ids')})`)),
        idArg: 'seller_id', idColumn: 'seller_id',
      }],
    ])
    : null;
  return { ...queries, versionReads };
}

export type HotQueries = ReturnType<typeof hotQueries>;

export interface ThreadArgs extends Record<string, unknown> {
  kind: string;
  order_id: number;
  after?: string;
  up_to?: string;
  limit: number;
}

/** The precompiled thread query for the bounds `args` has, and the arguments for it. */
export function threadQuery(queries: HotQueries, kind: string, orderId: number, range: { after?: string | null; upTo?: string | null; limit?: number }) {
  const args: ThreadArgs = { kind, order_id: orderId, limit: range.limit !== undefined && Number.isFinite(range.limit) ? range.limit : Number.MAX_SAFE_INTEGER };
  if (range.after != null) args.after = range.after;
  if (range.upTo != null) args.up_to = range.upTo;
  return { query: queries.threads[(range.after != null ? 1 : 0) + (range.upTo != null ? 2 : 0)]!, args };
}
