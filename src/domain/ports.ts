import type { Clock } from './clock.js';
import type { DeliveryTimeUnit } from './delivery-time.js';
import type { DisputeStore } from './dispute-ports.js';
import type { DomainEvent } from './events.js';
import type { JobStore } from './jobs.js';
import type { BuyerScriptStore } from './buyer-script-ports.js';
import type { OrderDeliveryStore } from './order-delivery-ports.js';
import type { IdempotencyStore } from './idempotency.js';
import type { MessageIdGenerator } from './message-id.js';
import type { OrderStatus } from './order-status.js';
import type { User, UserRole } from './users.js';

/**
 * What the domain needs from storage. The store/ folder implements these over Kysely;
 * the domain never sees SQL, the store never sees a rule.
 */
export interface Game {
  id: number;
  name: string;
  slug: string;
}

export interface ApiKeyRecord {
  id: number;
  user_id: number;
  name: string;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  created_at: number;
}

export interface Rating {
  id: number;
  labels: string[];
  /** 1 to 5. */
  rating: number;
  /** "" when none. */
  comment: string;
  created_at: number;
  updated_at: number;
}

export const ORDER_KINDS = ['account', 'item', 'currency'] as const;
/** The three kinds of sale with a chat; gift card orders have none. */
export type OrderKind = (typeof ORDER_KINDS)[number];

/**
 * What every order kind stores. Kind-specific fields live in `details` (declared by each kind's
 * API module); `credentials` is the one secret, plaintext here and encrypted by the store.
 */
export interface OrderFields {
  kind: OrderKind;
  offer_id: number;
  game_id: number;
  seller_id: number;
  buyer_id: number;
  title: string;
  description: string | null;
  parameters: Record<string, unknown>;
  status: OrderStatus;
  is_disputed: boolean;
  dispute_case_id: number | null;
  delivery_time_duration: number;
  delivery_time_unit: DeliveryTimeUnit;
  /** EUR, minor units. */
  price_amount: number;
  price_usd_amount: number;
  rating: Rating | null;
  credentials: string | null;
  details: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  purchased_at: number;
  completed_at: number | null;
  refunded_at: number | null;
}

export interface OrderRecord extends OrderFields {
  id: number;
  game: Game;
  buyer: { id: number; username: string };
}

export type OrderPatch = Partial<Omit<OrderFields, 'kind' | 'delivery_time_duration' | 'delivery_time_unit'>>;

export interface MessageSender {
  id: number;
  username: string;
  is_admin: boolean | null;
}

export interface MessageRecord {
  id: string;
  order_kind: OrderKind;
  order_id: number;
  type: 'user_message' | 'system_message';
  text: string;
  attachment: Record<string, unknown> | null;
  sender: MessageSender;
  sent_at: number;
}

export interface NewMessage {
  id: string;
  order_kind: OrderKind;
  order_id: number;
  type: MessageRecord['type'];
  text: string;
  attachment: Record<string, unknown> | null;
  /** null for system messages. */
  sender: User | null;
  sent_at: number;
}

export const ORDER_DATE_COLUMNS = ['created_at', 'updated_at', 'purchased_at', 'completed_at', 'refunded_at'] as const;
export type OrderDateColumn = (typeof ORDER_DATE_COLUMNS)[number];
export const ORDER_SORT_COLUMNS = ['id', 'price_amount', 'delivery_time_seconds', 'created_at', 'updated_at', 'purchased_at', 'completed_at'] as const;
export type OrderSortColumn = (typeof ORDER_SORT_COLUMNS)[number];

export interface OrderListQuery {
  kind: OrderKind;
  /** null lists every seller's orders (admin keys). */
  sellerId: number | null;
  offerId?: number;
  /** `filter[<kind>_offer_id]`. */
  offerIds?: number[];
  ids?: number[];
  buyerIds?: number[];
  statuses?: OrderStatus[];
  gameIds?: number[];
  search?: string;
  /** Half-open ranges [from, to) in Unix seconds. */
  dateRanges: { column: OrderDateColumn; from: number; to: number }[];
  sort: { column: OrderSortColumn; direction: 'asc' | 'desc' }[];
  offset: number;
  limit: number;
}

export interface UserStore {
  /** Throws DuplicateValueError('username') when the username is taken. */
  create(user: { username: string; role: UserRole; created_at: number }): Promise<User>;
  findById(id: number): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  count(): Promise<number>;
}

export interface ApiKeyStore {
  create(key: { user_id: number; name: string; token_hash: string; expires_at: number | null; created_at: number }): Promise<ApiKeyRecord>;
  findByTokenHash(tokenHash: string): Promise<{ key: ApiKeyRecord; user: User } | undefined>;
  findById(id: number): Promise<ApiKeyRecord | undefined>;
  /** Every key of the user, revoked ones too, oldest first. */
  listByUser(userId: number): Promise<ApiKeyRecord[]>;
  /** Answers the key's token hash (what the change feed names a revoked key by). */
  revoke(id: number, at: number): Promise<string>;
  touch(id: number, at: number): Promise<void>;
}

/** What a game sells; only the first three have offer templates. */
export const GAME_TEMPLATE_SERVICES = ['accounts', 'items', 'currencies'] as const;
export type GameTemplateService = (typeof GAME_TEMPLATE_SERVICES)[number];

export interface GameItemCollection {
  name: string;
  slug: string;
  items_count: number | null;
}

/** A game as the catalogue (`GET /v2/games`) serves it; orders embed only `Game`. */
export interface CatalogueGame extends Game {
  acronym: string | null;
  services: string[];
  game_item_collections: GameItemCollection[];
}

/** Without the catalogue fields, a game has no acronym and empty lists. */
export type NewGame = Pick<CatalogueGame, 'name' | 'slug'> & Partial<Omit<CatalogueGame, 'id' | 'name' | 'slug'>>;

export interface GameTemplateRecord {
  game_id: number;
  service: GameTemplateService;
  template: Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

export interface GameStore {
  /** Throws DuplicateValueError('slug') when the slug is taken. */
  create(game: NewGame): Promise<CatalogueGame>;
  findById(id: number): Promise<CatalogueGame | undefined>;
  findBySlug(slug: string): Promise<CatalogueGame | undefined>;
  first(): Promise<Game | undefined>;
  /** Every game, by id (the catalogue is small: lists filter and sort it in the domain). */
  all(): Promise<CatalogueGame[]>;
  setServices(id: number, services: string[]): Promise<void>;
  findTemplate(gameId: number, service: GameTemplateService): Promise<GameTemplateRecord | undefined>;
  /** Inserts or replaces; answers whether it inserted. `onlyIfAbsent` keeps an existing one (seeding). */
  putTemplate(template: GameTemplateRecord, options?: { onlyIfAbsent?: boolean }): Promise<{ created: boolean }>;
}

/** What access checks read: who takes part and where the order stands. */
export interface OrderAccess {
  kind: OrderKind;
  id: number;
  seller_id: number;
  buyer_id: number;
  status: OrderStatus;
}

export interface OrderStore {
  insert(order: OrderFields): Promise<OrderRecord>;
  findById(kind: OrderKind, id: number): Promise<OrderRecord | undefined>;
  /** The access columns only, for checks that need no more (the chat's hot path). Locks like findById. */
  findAccess(kind: OrderKind, id: number): Promise<OrderAccess | undefined>;
  /**
   * The access columns and how many messages the order's thread holds, in one read (outside a
   * transaction). Messages are only ever added, never changed or removed: the same count means
   * the same thread.
   */
  findThreadAccess(kind: OrderKind, id: number): Promise<(OrderAccess & { messageCount: number }) | undefined>;
  /**
   * The version of a seller's orders of a kind, bumped in the transaction of every write to one of
   * them (0 before the first); outside a transaction.
   */
  sellerVersion(kind: OrderKind, sellerId: number): Promise<number>;
  /** The access columns and the order's version, bumped by every update (outside a transaction). */
  findVersionedAccess(kind: OrderKind, id: number): Promise<(OrderAccess & { version: number }) | undefined>;
  update(kind: OrderKind, id: number, patch: OrderPatch): Promise<OrderRecord>;
  list(query: OrderListQuery): Promise<{ rows: OrderRecord[]; total: number }>;
}

/** Which messages of a thread a read takes: ids after `after` up to `upTo` (both optional), at most `limit`. */
export interface ThreadRange {
  after?: string | null;
  upTo?: string | null;
  limit?: number;
}

export interface MessageStore {
  insert(message: NewMessage): Promise<MessageRecord>;
  /** Oldest first. */
  listThread(kind: OrderKind, orderId: number, range?: ThreadRange): Promise<MessageRecord[]>;
  hasMessage(kind: OrderKind, orderId: number, id: string): Promise<boolean>;
  /** The id of the thread's newest message; null for an empty thread. */
  lastMessageId(kind: OrderKind, orderId: number): Promise<string | null>;
}

export interface WebhookEndpointRecord {
  id: number;
  user_id: number;
  url: string;
  description: string | null;
  events: string[];
  /** Plaintext here; sealed at rest. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  disabled_at: number | null;
  disabled_reason: string | null;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptRecord {
  id: number;
  delivery_id: number;
  event_id: string;
  topic: string;
  attempt: number;
  attempted_at_ms: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface WebhookStore {
  createEndpoint(endpoint: { user_id: number; url: string; description: string | null; events: string[]; secret: string; created_at: number }): Promise<WebhookEndpointRecord>;
  /** Deleted endpoints are not found. */
  findEndpoint(id: number): Promise<WebhookEndpointRecord | undefined>;
  listEndpoints(userId: number): Promise<WebhookEndpointRecord[]>;
  updateEndpoint(id: number, patch: Partial<Omit<WebhookEndpointRecord, 'id' | 'user_id' | 'created_at'>>): Promise<WebhookEndpointRecord>;
  listAttempts(endpointId: number, offset: number, limit: number): Promise<{ rows: WebhookAttemptRecord[]; total: number }>;
}

/** The transactional outbox: call inside the transaction of the change the event describes. */
export interface OutboxStore {
  /**
   * Stores the event and one pending delivery per subscribed, enabled endpoint; returns the
   * event id, or null when no endpoint takes it (then nothing is stored).
   */
  publish(event: DomainEvent): Promise<string | null>;
  /** publish() for each event in turn, looking each user's endpoints up once. */
  publishAll(events: DomainEvent[]): Promise<(string | null)[]>;
  /** New pending deliveries of a stored event; null when there is no such event. */
  replay(eventId: string): Promise<number | null>;
}

export const ACCOUNT_OFFER_STATUSES = ['draft', 'pending', 'listed', 'processing', 'sold', 'refunded', 'archived'] as const;
export type AccountOfferStatus = (typeof ACCOUNT_OFFER_STATUSES)[number];

/** A legacy offer's inline account: what the buyer gets. */
export interface LegacyAccountCredentials {
  login: string | null;
  password: string | null;
  email_login: string | null;
  email_password: string | null;
  email_provider: string | null;
}

/** What an account offer stores; `credentials` is plaintext here and sealed by the store. */
export interface AccountOfferFields {
  seller_id: number;
  game_id: number;
  external_id: string | null;
  title: string;
  slug: string;
  description: string;
  parameters: Record<string, unknown>;
  dump: string;
  status: AccountOfferStatus;
  is_manual_delivery: boolean;
  delivery_time_duration: number;
  delivery_time_unit: DeliveryTimeUnit;
  delivery_instructions: string | null;
  /** EUR, minor units. */
  price_amount: number;
  price_usd_amount: number;
  image_urls: string[];
  /** Made with `POST /v2/account-offers` (inline credentials, no stock sub-resource). */
  is_legacy: boolean;
  /** Legacy offers only; null on new-format ones. */
  credentials: LegacyAccountCredentials | null;
  views: number;
  /** Stored, not served: game_items, private_note. */
  details: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  listed_at: number | null;
}

/** An offer without the orders bought from it: what a purchase reads, whatever their number. */
export interface AccountOfferWithoutOrders extends AccountOfferFields {
  id: number;
  game: Game;
}

export interface AccountOfferRecord extends AccountOfferWithoutOrders {
  /** The orders bought from this offer, oldest first (table offer_orders). */
  account_order_ids: number[];
}

/** delivery_time_duration and delivery_time_unit are written together. */
export type AccountOfferPatch = Partial<Omit<AccountOfferFields, 'seller_id' | 'is_legacy' | 'created_at'>>;

/** One unit of a new-format offer's stock; `credentials` is plaintext here and sealed by the store. */
export interface AccountOfferCredentialRecord {
  id: number;
  account_offer_id: number;
  credentials: string;
  is_sold: boolean;
  account_order_id: number | null;
  created_at: number;
  updated_at: number;
}

export const ACCOUNT_OFFER_SORT_COLUMNS = ['id', 'price_amount', 'views', 'delivery_time_seconds', 'created_at', 'updated_at', 'listed_at'] as const;
export type AccountOfferSortColumn = (typeof ACCOUNT_OFFER_SORT_COLUMNS)[number];

export interface AccountOfferListQuery {
  /** null lists every seller's offers (admin keys). */
  sellerId: number | null;
  ids?: number[];
  statuses?: AccountOfferStatus[];
  gameIds?: number[];
  /** The id, or part of the title or description (case-insensitive). */
  search?: string;
  sort: { column: AccountOfferSortColumn; direction: 'asc' | 'desc' }[];
  offset: number;
  limit: number;
}

export interface AccountOfferStore {
  insert(offer: AccountOfferFields): Promise<AccountOfferRecord>;
  /**
   * A deleted offer is not found. Inside a write transaction on PostgreSQL the offer's row is
   * locked (FOR UPDATE), so that purchases and stock changes of one offer run one after another.
   */
  findById(id: number): Promise<AccountOfferRecord | undefined>;
  /** findById (locking alike) without the offer's orders: a purchase reads the same bytes whatever their number. */
  findWithoutOrders(id: number): Promise<AccountOfferWithoutOrders | undefined>;
  /** Whether any order was bought from the offer. */
  hasOrders(id: number): Promise<boolean>;
  update(id: number, patch: AccountOfferPatch): Promise<AccountOfferRecord>;
  /** Adds the order to the offer's orders (one row) and applies the patch, reading nothing back. */
  recordPurchase(id: number, orderId: number, patch: AccountOfferPatch): Promise<void>;
  /** Marks the offer deleted and deletes its unsold credentials (sold ones stay with their orders). */
  delete(id: number, at: number): Promise<void>;
  list(query: AccountOfferListQuery): Promise<{ rows: AccountOfferRecord[]; total: number }>;
  /** Unsold credentials of the offer: its stock. */
  countUnsold(offerId: number): Promise<number>;
  /** Oldest first. */
  listCredentials(offerId: number, query: { ids?: number[]; isSold?: boolean; offset: number; limit: number }): Promise<{ rows: AccountOfferCredentialRecord[]; total: number }>;
  /** Every credential text of the offer, sold ones included (duplicate checks). */
  credentialTexts(offerId: number): Promise<{ id: number; credentials: string }[]>;
  insertCredential(offerId: number, credentials: string, at: number): Promise<AccountOfferCredentialRecord>;
  findCredential(offerId: number, id: number): Promise<AccountOfferCredentialRecord | undefined>;
  updateCredential(id: number, credentials: string, at: number): Promise<AccountOfferCredentialRecord>;
  /** Deletes those of `ids` that belong to the offer and are unsold; answers how many. */
  deleteUnsoldCredentials(offerId: number, ids: number[]): Promise<number>;
  /**
   * Marks the oldest unsold credential sold (a conditional UPDATE ... WHERE is_sold = 0 that
   * checks its row count) and answers it; undefined when none is left.
   */
  claimOldestCredential(offerId: number, at: number): Promise<AccountOfferCredentialRecord | undefined>;
  linkCredentialToOrder(id: number, orderId: number): Promise<void>;
}

export interface Store {
  /** The application's clock: the time every use case stamps and checks against. */
  clock: Clock;
  /** Mints message and webhook event ids from the clock's readings; one per application. */
  messageIds: MessageIdGenerator;
  users: UserStore;
  apiKeys: ApiKeyStore;
  games: GameStore;
  orders: OrderStore;
  accountOffers: AccountOfferStore;
  messages: MessageStore;
  webhooks: WebhookStore;
  outbox: OutboxStore;
  itemCurrencyOffers: ItemCurrencyOfferStore;
  /** Order dispute cases and their timelines (dispute-ports.ts). */
  disputes: DisputeStore;
  /** Scheduled time-based work (src/domain/jobs.ts). */
  jobs: JobStore;
  /** The sandbox's scripted buyers (src/domain/buyer-script.ts). */
  buyerScripts: BuyerScriptStore;
  /** Webhook deliveries by the order their event is about (order-delivery-ports.ts). */
  orderDeliveries: OrderDeliveryStore;
  /** Idempotency-Key answers (src/domain/idempotency.ts). */
  idempotency: IdempotencyStore;
  /** Runs fn atomically; everything fn writes through the given store commits or rolls back together. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /**
   * Runs `work` for `item` in a transaction that the items given for the same `work` at about the
   * same moment may share (one run over all of them, where the store batches commits). Resolves
   * or rejects with the item's own outcome, after the commit. If the shared run fails as a
   * whole, each item is run again alone, so a failure reaches only the items it belongs to.
   */
  shareTransaction<I, R>(work: SharedWork<I, R>, item: I): Promise<R>;
}

export type WorkOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Transactional work over several items at once, with one outcome per item (in order). */
export interface SharedWork<I, R> {
  run(store: Store, items: I[]): Promise<WorkOutcome<R>[]>;
  /**
   * What an item writes to (a send: its order). A store that runs several shared units at once
   * runs the items of one scope in one unit at a time, since the later unit would only wait on
   * the earlier one's locks.
   */
  scopeOf?(item: I): string;
}

/** The offers sold by quantity: items and currencies (account offers have their own store). */
export const ITEM_CURRENCY_OFFER_KINDS = ['item', 'currency'] as const;
export type ItemCurrencyOfferKind = (typeof ITEM_CURRENCY_OFFER_KINDS)[number];

/** `sold`: listed, but no stock is left (a restock lists it again); `archived`: retired, restorable. */
export const ITEM_CURRENCY_OFFER_STATUSES = ['draft', 'listed', 'sold', 'archived'] as const;
export type ItemCurrencyOfferStatus = (typeof ITEM_CURRENCY_OFFER_STATUSES)[number];

export const ITEM_CURRENCY_OFFER_SORT_COLUMNS = ['id', 'price_amount', 'views', 'delivery_time_seconds', 'created_at', 'updated_at', 'listed_at'] as const;
export type ItemCurrencyOfferSortColumn = (typeof ITEM_CURRENCY_OFFER_SORT_COLUMNS)[number];

export interface ItemCurrencyOfferFields {
  kind: ItemCurrencyOfferKind;
  seller_id: number;
  game_id: number;
  external_id: string | null;
  title: string;
  slug: string;
  description: string;
  parameters: Record<string, unknown>;
  status: ItemCurrencyOfferStatus;
  delivery_time_duration: number;
  delivery_time_unit: DeliveryTimeUnit;
  delivery_instructions: string | null;
  stock: number;
  min_quantity: number;
  /** EUR per unit: cents (item) or millionths of a euro (currency). */
  price_amount: number;
  price_usd_amount: number;
  views: number;
  image_urls: string[];
  /** The kind's own fields (currency: uuid, currency_unit, delivery_method, ...). */
  details: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  listed_at: number | null;
}

/** An offer without the orders its purchases created: what a purchase reads, whatever their number. */
export interface ItemCurrencyOfferWithoutOrders extends ItemCurrencyOfferFields {
  id: number;
  game: Game;
}

export interface ItemCurrencyOfferRecord extends ItemCurrencyOfferWithoutOrders {
  /** Orders created by purchases, oldest first (table offer_orders). */
  order_ids: number[];
}

/** delivery_time_duration and delivery_time_unit are written together. */
export type ItemCurrencyOfferPatch = Partial<Omit<ItemCurrencyOfferFields, 'kind' | 'seller_id' | 'created_at'>>;

export interface ItemCurrencyOfferListQuery {
  kind: ItemCurrencyOfferKind;
  /** null lists every seller's offers (admin keys). */
  sellerId: number | null;
  ids?: number[];
  statuses?: ItemCurrencyOfferStatus[];
  gameIds?: number[];
  search?: string;
  sort: { column: ItemCurrencyOfferSortColumn; direction: 'asc' | 'desc' }[];
  offset: number;
  limit: number;
}

export interface ItemCurrencyOfferStore {
  insert(offer: ItemCurrencyOfferFields): Promise<ItemCurrencyOfferRecord>;
  findById(kind: ItemCurrencyOfferKind, id: number): Promise<ItemCurrencyOfferRecord | undefined>;
  /** findById without the offer's orders: a purchase reads the same bytes whatever their number. */
  findWithoutOrders(kind: ItemCurrencyOfferKind, id: number): Promise<ItemCurrencyOfferWithoutOrders | undefined>;
  update(kind: ItemCurrencyOfferKind, id: number, patch: ItemCurrencyOfferPatch): Promise<ItemCurrencyOfferRecord>;
  /** Adds the order to the offer's orders (one row) and applies the patch, reading nothing back. */
  recordPurchase(kind: ItemCurrencyOfferKind, id: number, orderId: number, patch: ItemCurrencyOfferPatch): Promise<void>;
  list(query: ItemCurrencyOfferListQuery): Promise<{ rows: ItemCurrencyOfferRecord[]; total: number }>;
  /**
   * Takes `quantity` units in one conditional write: only while the offer is listed, has at least
   * that stock and a minimum quantity of at most that. Answers whether it took them; the row is
   * then this transaction's until it ends (PostgreSQL's row lock, SQLite's single writer).
   */
  takeStock(kind: ItemCurrencyOfferKind, id: number, quantity: number, at: number): Promise<boolean>;
}
