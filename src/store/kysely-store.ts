import { sql, type Kysely, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import { deliveryTimeSeconds, type DeliveryTimeUnit } from '../domain/delivery-time.js';
import type { Clock } from '../domain/clock.js';
import type { MessageIdGenerator } from '../domain/message-id.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { DomainEvent } from '../domain/events.js';
import type {
  ApiKeyRecord,
  ApiKeyStore,
  MessageRecord,
  MessageStore,
  OrderAccess,
  OrderFields,
  OrderKind,
  OrderListQuery,
  OrderRecord,
  OrderStore,
  OutboxStore,
  Rating,
  Store,
  UserStore,
  WorkOutcome,
} from '../domain/ports.js';
import { DuplicateValueError } from '../domain/errors.js';
import { messageSender } from '../domain/system-sender.js';
import type { User, UserRole } from '../domain/users.js';
import type { CredentialCipher, SealedAt } from './credential-cipher.js';
import { isUniqueViolation } from './database-errors.js';
import { SharedUnitFailed, type GroupCommitter } from './group-commit.js';
import { endpointPrefetch as endpointPrefetchOf, type EndpointPrefetch } from './pg-endpoint-prefetch.js';
import type { SharedCommitter } from './pg-group-commit.js';
import { withBatchedMessageInserts } from './pg-batched-messages.js';
import { readRunner, versionRunner, writeRunner, type FastPath } from './fast-path.js';
import { threadQuery } from './hot-queries.js';
import { countableFromTable, countFromTable, countOrder } from './order-counts.js';
import { bumpSellerVersion } from './seller-versions.js';
import type { EventFormatter } from '../contract/webhook-events.js';
import { outboxStore, webhookStore } from './webhook-store.js';
import { heldEventLog, loggedOutbox, type EventLogWriter } from './event-log-store.js';
import { itemCurrencyOfferStore } from './item-currency-offer-store.js';
import { accountOfferStore } from './account-offer-store.js';
import { gameStore } from './game-store.js';
import { disputeStore } from './dispute-store.js';
import { jobStore } from './job-store.js';
import { buyerScriptStore } from './buyer-script-store.js';
import { orderDeliveryStore } from './order-delivery-store.js';
import { idempotencyStore, recordingWrites } from './idempotency-store.js';
import { recordingShare, recordingTransaction, unrecordedRequest } from '../domain/idempotency.js';
import type { Database, MessagesTable, OrdersTable } from './schema.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** Rethrows a unique index's refusal of `field` as the domain's DuplicateValueError, anything else as is. */
function duplicate(field: string): (error: unknown) => never {
  return (error) => {
    throw isUniqueViolation(error) ? new DuplicateValueError(field) : error;
  };
}

function toUser(row: Selectable<Database['users']>): User {
  return { id: row.id, username: row.username, role: row.role as UserRole, created_at: row.created_at };
}

function userStore(db: Db): UserStore {
  return {
    async create(user) {
      const row = await db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow().catch(duplicate('username'));
      return toUser(row);
    },
    async findById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },
    async findByUsername(username) {
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return row && toUser(row);
    },
    async count() {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

const API_KEY_COLUMNS = ['id', 'user_id', 'name', 'expires_at', 'revoked_at', 'last_used_at', 'created_at'] as const;

function apiKeyStore(db: Db): ApiKeyStore {
  return {
    async create(key) {
      return db.insertInto('api_keys').values(key).returning(API_KEY_COLUMNS).executeTakeFirstOrThrow();
    },
    async findByTokenHash(tokenHash) {
      const row = await db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .select(API_KEY_COLUMNS.map((c) => `api_keys.${c}` as const))
        .select(['users.username', 'users.role', 'users.created_at as user_created_at'])
        .where('api_keys.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return undefined;
      const key: ApiKeyRecord = {
        id: row.id, user_id: row.user_id, name: row.name, expires_at: row.expires_at,
        revoked_at: row.revoked_at, last_used_at: row.last_used_at, created_at: row.created_at,
      };
      const user: User = { id: row.user_id, username: row.username, role: row.role as UserRole, created_at: row.user_created_at };
      return { key, user };
    },
    async findById(id) {
      return db.selectFrom('api_keys').select(API_KEY_COLUMNS).where('id', '=', id).executeTakeFirst();
    },
    async listByUser(userId) {
      return db.selectFrom('api_keys').select(API_KEY_COLUMNS).where('user_id', '=', userId).orderBy('id').execute();
    },
    async revoke(id, at) {
      const row = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).returning('token_hash').executeTakeFirstOrThrow();
      return row.token_hash;
    },
    async touch(id, at) {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}

type OrderRow = Selectable<OrdersTable> & { game_name: string; game_slug: string; buyer_username: string };

/** The stored rating JSON as served: a numeric rating, labels always a list, a missing comment "". */
function toRating(stored: Partial<Rating>): Rating {
  return {
    id: Number(stored.id),
    labels: stored.labels ?? [],
    rating: Number(stored.rating),
    comment: stored.comment ?? '',
    created_at: Number(stored.created_at),
    updated_at: Number(stored.updated_at),
  };
}

function toOrder(row: OrderRow, cipher: CredentialCipher): OrderRecord {
  return {
    id: row.id,
    kind: row.kind as OrderKind,
    offer_id: row.offer_id,
    game_id: row.game_id,
    game: { id: row.game_id, name: row.game_name, slug: row.game_slug },
    seller_id: row.seller_id,
    buyer_id: row.buyer_id,
    buyer: { id: row.buyer_id, username: row.buyer_username },
    title: row.title,
    description: row.description,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    status: row.status as OrderStatus,
    is_disputed: row.is_disputed === 1,
    dispute_case_id: row.dispute_case_id,
    delivery_time_duration: row.delivery_time_duration,
    delivery_time_unit: row.delivery_time_unit as DeliveryTimeUnit,
    price_amount: row.price_amount,
    price_usd_amount: row.price_usd_amount,
    rating: row.rating === null ? null : toRating(JSON.parse(row.rating) as Partial<Rating>),
    credentials: row.credentials === null ? null : cipher.decrypt(row.credentials, credentialsOf(row.id)),
    details: JSON.parse(row.details) as Record<string, unknown>,
    created_at: row.created_at,
    updated_at: row.updated_at,
    purchased_at: row.purchased_at,
    completed_at: row.completed_at,
    refunded_at: row.refunded_at,
  };
}

/** Where an order's sealed credentials live: they open only in their own row. */
const credentialsOf = (id: number): SealedAt => ({ table: 'orders', column: 'credentials', id });

type AccessRow = Pick<Selectable<OrdersTable>, 'kind' | 'id' | 'seller_id' | 'buyer_id' | 'status'>;

/** The access columns of a row (which may carry more), as the domain types them. */
function toAccess(row: AccessRow): OrderAccess {
  return { kind: row.kind as OrderKind, id: row.id, seller_id: row.seller_id, buyer_id: row.buyer_id, status: row.status as OrderStatus };
}

// The cached reads' version checks (every GET of an order or a thread): spelled out rather than
// spread over toAccess, so each is one literal of one shape (the spread's added property took
// V8's slow define path in a profile).
function toVersionedAccess(row: AccessRow & { version: number | string }): OrderAccess & { version: number } {
  return { kind: row.kind as OrderKind, id: row.id, seller_id: row.seller_id, buyer_id: row.buyer_id, status: row.status as OrderStatus, version: Number(row.version) };
}

function toThreadAccess(row: AccessRow & { message_count: number | string }): OrderAccess & { messageCount: number } {
  return { kind: row.kind as OrderKind, id: row.id, seller_id: row.seller_id, buyer_id: row.buyer_id, status: row.status as OrderStatus, messageCount: Number(row.message_count) };
}

/** `id`: the row written; null only for an insert, which seals its credentials once the row has its id. */
function toOrderColumns(fields: Partial<OrderFields>, cipher: CredentialCipher, id: number | null): Partial<Omit<OrdersTable, 'id' | 'version'>> {
  const { parameters, is_disputed, rating, details, credentials, title, delivery_time_duration, delivery_time_unit, ...plain } = fields;
  const out: Partial<Omit<OrdersTable, 'id' | 'version'>> = { ...plain };
  if (title !== undefined) {
    out.title = title;
    out.search_title = title.toLowerCase();
  }
  if (parameters !== undefined) out.parameters = JSON.stringify(parameters);
  if (is_disputed !== undefined) out.is_disputed = is_disputed ? 1 : 0;
  if (rating !== undefined) out.rating = rating === null ? null : JSON.stringify(rating);
  if (details !== undefined) out.details = JSON.stringify(details);
  if (credentials !== undefined && credentials !== null && id === null) throw new Error('credentials are sealed once the row has its id');
  if (credentials !== undefined) out.credentials = credentials === null ? null : cipher.encrypt(credentials, credentialsOf(id!));
  if (delivery_time_duration !== undefined && delivery_time_unit !== undefined) {
    out.delivery_time_duration = delivery_time_duration;
    out.delivery_time_unit = delivery_time_unit;
    // Stored alongside so that sort=delivery_time can use an index.
    out.delivery_time_seconds = deliveryTimeSeconds(delivery_time_duration, delivery_time_unit);
  } else if (delivery_time_duration !== undefined || delivery_time_unit !== undefined) {
    throw new Error('delivery_time_duration and delivery_time_unit are written together');
  }
  return out;
}

/** An UPDATE's columns: every update of an order bumps its version (src/http/answer-cache.ts). */
function toOrderUpdate(fields: Partial<OrderFields>, cipher: CredentialCipher, id: number) {
  return { ...toOrderColumns(fields, cipher, id), version: sql<number>`version + 1` };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The list's WHERE clause, shared by the count and the page queries. */
function applyOrderFilters<QB extends SelectQueryBuilder<Database, 'orders', object>>(qb: QB, query: OrderListQuery): QB {
  // Kysely cannot type a WHERE shared by builders of different join shapes; the refs are all `orders.*`.
  let q = qb as unknown as SelectQueryBuilder<Database, 'orders', object>;
  q = q.where('orders.kind', '=', query.kind);
  if (query.sellerId !== null) q = q.where('orders.seller_id', '=', query.sellerId);
  if (query.offerId !== undefined) q = q.where('orders.offer_id', '=', query.offerId);
  if (query.offerIds) q = q.where('orders.offer_id', 'in', query.offerIds);
  if (query.ids) q = q.where('orders.id', 'in', query.ids);
  if (query.buyerIds) q = q.where('orders.buyer_id', 'in', query.buyerIds);
  if (query.gameIds) q = q.where('orders.game_id', 'in', query.gameIds);
  if (query.statuses) q = q.where('orders.status', 'in', query.statuses);
  for (const range of query.dateRanges) {
    q = q.where(`orders.${range.column}`, '>=', range.from).where(`orders.${range.column}`, '<', range.to);
  }
  if (query.search !== undefined && query.search.includes('\u0000')) {
    // No title holds U+0000 (bodies carrying one are refused) and PostgreSQL cannot even compare
    // it: such a search matches nothing, on both databases (docs/api.md).
    q = q.where(sql<boolean>`1 = 0`);
  } else if (query.search !== undefined) {
    const search = query.search;
    // search_title is folded in Unicode at write time; an explicit ESCAPE makes % and _ literal.
    const title = sql<boolean>`orders.search_title like ${`%${escapeLike(search.toLowerCase())}%`} escape '\\'`;
    q = q.where((eb) => (/^\d{1,15}$/.test(search) ? eb.or([eb('orders.id', '=', Number(search)), title]) : title));
  }
  return q as unknown as QB;
}

/** Sort columns that may hold NULL. */
const NULLABLE_SORT_COLUMNS: ReadonlySet<string> = new Set(['completed_at', 'refunded_at']);

function orderStore(db: Db, cipher: CredentialCipher, lockRows: boolean, fast: FastPath, endpoints: EndpointPrefetch | null = null): OrderStore {
  // An order write and its counter change commit together; inside a transaction already, they
  // simply join it.
  const inTransaction = <T>(fn: (tx: Db) => Promise<T>): Promise<T> =>
    db.isTransaction ? fn(db) : (db as Kysely<Database>).transaction().execute(fn);
  const base = () =>
    db
      .selectFrom('orders')
      .innerJoin('games', 'games.id', 'orders.game_id')
      .innerJoin('users as buyer', 'buyer.id', 'orders.buyer_id');
  const withColumns = <Q extends ReturnType<typeof base>>(q: Q) =>
    q.selectAll('orders').select(['games.name as game_name', 'games.slug as game_slug', 'buyer.username as buyer_username']);

  const store: OrderStore = {
    async insert(fields) {
      return inTransaction(async (tx) => {
        // Sealed credentials name their row: the row first, then its credentials.
        const { id } = await tx
          .insertInto('orders')
          .values(toOrderColumns({ ...fields, credentials: null }, cipher, null) as Omit<OrdersTable, 'id' | 'version'>)
          .returning('id')
          .executeTakeFirstOrThrow();
        if (fields.credentials !== null) {
          await tx.updateTable('orders').set(toOrderUpdate({ credentials: fields.credentials }, cipher, id)).where('id', '=', id).execute();
        }
        await countOrder(tx, fields, 1);
        await bumpSellerVersion(tx, fast, fields.kind, id);
        return (await orderStore(tx, cipher, lockRows, fast).findById(fields.kind, id))!;
      });
    },
    async findById(kind, id) {
      // Inside a write transaction the order read is the one its checks rely on (status,
      // access): on PostgreSQL the row is locked so that a concurrent send and status change run
      // one after the other, as SQLite's single writer makes them.
      const query = lockRows && db.isTransaction ? fast.queries.findOrderLocked! : fast.queries.findOrder;
      const row = await readRunner(db, fast).first<OrderRow, { kind: string; id: number }>(query, { kind, id });
      return row && toOrder(row, cipher);
    },
    async findAccess(kind, id) {
      const query = lockRows && db.isTransaction ? fast.queries.findAccessLocked! : fast.queries.findAccess;
      const read = readRunner(db, fast).first<AccessRow, { kind: string; id: number }>(query, { kind, id });
      endpoints?.afterOrderRead(kind, id);
      const row = await read;
      return row && toAccess(row);
    },
    async sellerVersion(kind, sellerId) {
      const row = await versionRunner(db, fast).first<{ version: number | string }, { kind: string; seller_id: number }>(fast.queries.sellerVersion, { kind, seller_id: sellerId });
      return Number(row?.version ?? 0);
    },
    async findVersionedAccess(kind, id) {
      const row = await versionRunner(db, fast).first<AccessRow & { version: number | string }, { kind: string; id: number }>(fast.queries.findVersionedAccess, { kind, id });
      return row && toVersionedAccess(row);
    },
    async findThreadAccess(kind, id) {
      const row = await versionRunner(db, fast).first<AccessRow & { message_count: number | string }, { kind: string; id: number }>(fast.queries.findThreadAccess, { kind, id });
      return row && toThreadAccess(row);
    },
    async update(kind, id, patch) {
      if (patch.status === undefined && patch.seller_id === undefined) {
        return inTransaction(async (tx) => {
          await tx.updateTable('orders').set(toOrderUpdate(patch, cipher, id)).where('kind', '=', kind).where('id', '=', id).execute();
          await bumpSellerVersion(tx, fast, kind, id);
          return (await orderStore(tx, cipher, lockRows, fast).findById(kind, id))!;
        });
      }
      // The order moves between counters: take it from the old one, add it to the new one.
      return inTransaction(async (tx) => {
        const before = await tx.selectFrom('orders').select(['kind', 'seller_id', 'status']).where('kind', '=', kind).where('id', '=', id).executeTakeFirst();
        // The seller it leaves, then (below) the one it has.
        if (patch.seller_id !== undefined) await bumpSellerVersion(tx, fast, kind, id);
        await tx.updateTable('orders').set(toOrderUpdate(patch, cipher, id)).where('kind', '=', kind).where('id', '=', id).execute();
        if (before) {
          await countOrder(tx, before, -1);
          await countOrder(tx, { kind, seller_id: patch.seller_id ?? before.seller_id, status: patch.status ?? before.status }, 1);
        }
        await bumpSellerVersion(tx, fast, kind, id);
        return (await orderStore(tx, cipher, lockRows, fast).findById(kind, id))!;
      });
    },
    async list(query: OrderListQuery) {
      // The count needs no joins (they never drop a row: both are foreign keys), so it stays an
      // index scan; only the page itself joins the game and the buyer.
      const total = countableFromTable(query)
        ? await countFromTable(db, query)
        : (await applyOrderFilters(db.selectFrom('orders'), query).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()).total;
      let page = withColumns(applyOrderFilters(base(), query));
      for (const s of query.sort) {
        const column = `orders.${s.column}` as const;
        // NULL sorts first ascending, last descending (SQLite's and MySQL's order), said out loud
        // because PostgreSQL does the opposite by default. Only nullable columns get the clause:
        // on the others it changes nothing but could keep PostgreSQL from using the index order.
        page = NULLABLE_SORT_COLUMNS.has(s.column)
          ? page.orderBy(column, (ob) => (s.direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()))
          : page.orderBy(column, s.direction);
      }
      const rows = await page.limit(query.limit).offset(query.offset).execute();
      return { rows: rows.map((r) => toOrder(r as OrderRow, cipher)), total: Number(total) };
    },
  };
  return store;
}

type MessageRow = Selectable<MessagesTable> & { sender_username: string | null; sender_role: string | null };

function toMessage(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    order_kind: row.order_kind as OrderKind,
    order_id: row.order_id,
    type: row.type as MessageRecord['type'],
    text: row.text,
    attachment: row.attachment === null ? null : JSON.parse(row.attachment),
    // is_admin is "only present for admin messages": null for everyone else.
    sender: messageSender(row.sender_id === null ? null : { id: row.sender_id, username: row.sender_username ?? '', role: row.sender_role as UserRole }),
    sent_at: row.sent_at,
  };
}

function messageStore(db: Db, fast: FastPath): MessageStore {
  return {
    async insert(message) {
      const { id, order_kind, order_id, type, text, attachment, sender, sent_at } = message;
      await writeRunner(db, fast).run(fast.queries.insertMessage, {
        id, order_kind, order_id, type, text, sent_at,
        attachment: attachment === null ? null : JSON.stringify(attachment),
        sender_id: sender?.id ?? null,
      });
      // Everything the record holds is known already: no read-back on the hot path.
      return { id, order_kind, order_id, type, text, attachment, sender: messageSender(sender), sent_at };
    },
    async listThread(kind, orderId, range = {}) {
      // A range over the thread's primary key (order_kind, order_id, id): pages cost their size.
      // Precompiled (hot-queries.ts), and outside a transaction on SQLite's read-only connection.
      const { query, args } = threadQuery(fast.queries, kind, orderId, range);
      return (await readRunner(db, fast).all<MessageRow, typeof args>(query, args)).map(toMessage);
    },
    async hasMessage(kind, orderId, id) {
      const row = await db.selectFrom('messages').select('id')
        .where('order_kind', '=', kind).where('order_id', '=', orderId).where('id', '=', id).executeTakeFirst();
      return row !== undefined;
    },
    async lastMessageId(kind, orderId) {
      const row = await db.selectFrom('messages').select('id')
        .where('order_kind', '=', kind).where('order_id', '=', orderId).orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row?.id ?? null;
    },
  };
}

export interface StoreOptions {
  /** The application's clock (Store.clock). */
  clock: Clock;
  /** The application's id generator (Store.messageIds). */
  messageIds: MessageIdGenerator;
  /** Seals credentials and webhook secrets at rest. */
  cipher: CredentialCipher;
  /** Turns domain events into webhook topics and payloads. */
  formatEvent: EventFormatter;
  /** Top-level transactions share commits (SQLite). */
  committer?: GroupCommitter | null;
  /** shareTransaction batches through this one when there is no `committer` (PostgreSQL: pg-group-commit.ts). */
  sharedCommits?: SharedCommitter | null;
  /**
   * Transactions lock the order rows they read (`FOR NO KEY UPDATE`; PostgreSQL). SQLite has one
   * writer at a time and needs (and knows) no row locks.
   */
  lockRows?: boolean;
  /** Precompiled hot queries and the runners for them (see hot-queries.ts). */
  fast: FastPath;
  /**
   * Told of the events a transaction published once it has committed (never for one rolled
   * back): the change feed's source. Runs after the commit, so it can be missed by a crash.
   */
  onCommitted?: ((events: DomainEvent[], queuedDeliveries: boolean) => void) | null;
  /** Writes the live streams' event log in the transaction of each published event (src/live). */
  eventLog?: EventLogWriter | null;
  /** PostgreSQL's shared unit: the sellers' endpoints, read behind each order's read (pg-endpoint-prefetch.ts). */
  endpointPrefetch?: EndpointPrefetch | null;
}

/**
 * The events the transaction under way has published, told to onCommitted after its commit, and
 * whether it queued any webhook delivery (only then is the delivery worker woken).
 */
type EventCollector = DomainEvent[] & { queued?: boolean };

function observed(outbox: OutboxStore, sink: (events: DomainEvent[], queued: boolean) => void): OutboxStore {
  return {
    ...outbox,
    async publish(event) {
      const id = await outbox.publish(event);
      sink([event], id !== null);
      return id;
    },
    async publishAll(events) {
      const ids = await outbox.publishAll(events);
      sink(events, ids.some((id) => id !== null));
      return ids;
    },
    async replay(eventId) {
      const queued = await outbox.replay(eventId);
      if (queued) sink([], true);
      return queued;
    },
  };
}

function collectInto(collector: EventCollector): (events: DomainEvent[], queued: boolean) => void {
  return (events, queued) => {
    for (const event of events) collector.push(event);
    if (queued) collector.queued = true;
  };
}

/** The domain's Store over Kysely. */
export function createKyselyStore(db: Db, options: StoreOptions, collector: EventCollector | null = null): Store {
  const { clock, messageIds, cipher, formatEvent, committer = null, lockRows = false, fast, onCommitted = null } = options;
  const inner: StoreOptions = { clock, messageIds, cipher, formatEvent, lockRows, fast, onCommitted };
  const prefetch = options.endpointPrefetch ?? null;
  let outbox = outboxStore(db, formatEvent, fast, clock, messageIds, prefetch);
  inner.eventLog = options.eventLog ?? null;
  if (options.eventLog) outbox = loggedOutbox(outbox, db, options.eventLog, clock);
  if (onCommitted) outbox = observed(outbox, collector ? collectInto(collector) : onCommitted);
  /** After a commit: the events its transaction published go to onCommitted. */
  const sharer: SharedCommitter | null = committer ?? options.sharedCommits ?? null;
  const handOver = (events: EventCollector): void => {
    if (onCommitted && (events.length > 0 || events.queued)) onCommitted(events, events.queued === true);
  };
  // A top-level transaction collects its events and hands them over once it has committed.
  const topLevel = async <T>(run: (collect: EventCollector) => Promise<T>): Promise<T> => {
    const events: EventCollector = [];
    const value = await run(events);
    handOver(events);
    return value;
  };
  const transaction: Store['transaction'] = async (fn) => {
    if (db.isTransaction) return fn(createKyselyStore(db, inner, collector));
    // A keyed request's Idempotency-Key commits with its first write (src/domain/idempotency.ts).
    const keyed = unrecordedRequest();
    if (keyed) return recordingTransaction(keyed, (f) => transaction(f), fn);
    if (committer) return topLevel((events) => committer.run((trx) => fn(createKyselyStore(trx, inner, events))));
    return topLevel((events) => (db as Kysely<Database>).transaction().execute((trx) => fn(createKyselyStore(trx, inner, events))));
  };
  const store: Store = {
    clock,
    messageIds,
    users: userStore(db),
    apiKeys: apiKeyStore(db),
    games: gameStore(db),
    orders: orderStore(db, cipher, lockRows, fast, prefetch),
    accountOffers: accountOfferStore(db, cipher, lockRows),
    messages: messageStore(db, fast),
    webhooks: webhookStore(db, cipher),
    outbox,
    itemCurrencyOffers: itemCurrencyOfferStore(db),
    disputes: disputeStore(db, lockRows),
    jobs: jobStore(db),
    buyerScripts: buyerScriptStore(db),
    orderDeliveries: orderDeliveryStore(db),
    idempotency: idempotencyStore(db, fast),
    transaction,
    async shareTransaction(work, item) {
      const keyed = db.isTransaction ? null : unrecordedRequest();
      if (keyed) return recordingShare(keyed, (w, i) => store.shareTransaction(w, i), work, item);
      const runAlone = async () => outcomeValue((await transaction((tx) => work.run(tx, [item])))[0]!);
      if (!sharer || db.isTransaction) return runAlone();
      try {
        return await sharer.runShared(work, item, async (trx, items) => {
          const events: EventCollector = [];
          // PostgreSQL: the unit's messages and log rows go in one INSERT each (pg-batched-messages.ts,
          // heldEventLog); SQLite's are cheap one by one.
          const log = !committer && inner.eventLog ? heldEventLog(formatEvent) : null;
          const endpointPrefetch = committer ? null : endpointPrefetchOf(trx, fast);
          const unit = createKyselyStore(trx, { ...inner, eventLog: log ?? inner.eventLog, endpointPrefetch }, events);
          const batched = committer ? null : withBatchedMessageInserts(unit, trx);
          const outcomes = await work.run(batched?.store ?? unit, items);
          // Sent now, in this order, and confirmed with the COMMIT that follows them.
          const written = Promise.all([batched?.flush(), log?.flush(trx)]);
          written.catch(() => undefined); // the committer settles it
          return { outcomes, committed: () => handOver(events), written };
        }, work.scopeOf?.(item));
      } catch (error) {
        // The shared run failed as a whole (a write error), and stored nothing: this item alone.
        if (!(error instanceof SharedUnitFailed)) throw error;
        return runAlone();
      }
    },
  };
  // The root store: a keyed request's single writes record its key too (idempotency-store.ts).
  return db.isTransaction ? store : recordingWrites(store);
}

function outcomeValue<R>(outcome: WorkOutcome<R>): R {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
