import type { Generated } from 'kysely';

/** Row types as stored. Timestamps are Unix seconds; booleans are 0/1; JSON is text. */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  role: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  created_at: number;
}

export interface GamesTable {
  id: Generated<number>;
  name: string;
  slug: string;
  acronym: string | null;
  /** JSON array of service names; default `[]`. */
  services: Generated<string>;
  /** JSON array of `{name, slug, items_count}`; default `[]`. */
  game_item_collections: Generated<string>;
}

/** One offer template per game and service (accounts, items, currencies); `template` is JSON text. */
export interface GameTemplatesTable {
  game_id: number;
  service: string;
  template: string;
  created_at: number;
  updated_at: number;
}

/** Every kind of order in one table: common columns for the shared rules, `details` for the rest. */
export interface OrdersTable {
  id: Generated<number>;
  kind: string;
  offer_id: number;
  game_id: number;
  seller_id: number;
  buyer_id: number;
  title: string;
  /** Title folded to lower case in Unicode, for case-insensitive search on any dialect. */
  search_title: string;
  description: string | null;
  parameters: string;
  status: string;
  is_disputed: number;
  dispute_case_id: number | null;
  delivery_time_duration: number;
  delivery_time_unit: string;
  delivery_time_seconds: number;
  price_amount: number;
  price_usd_amount: number;
  rating: string | null;
  /** AES-256-GCM sealed, never plaintext. */
  credentials: string | null;
  details: string;
  created_at: number;
  updated_at: number;
  purchased_at: number;
  completed_at: number | null;
  refunded_at: number | null;
  /** Bumped by every UPDATE (0018_order_versions): the same version is the same row. */
  version: Generated<number>;
}

/** Item and currency offers in one table (`kind`); each kind's own fields are JSON text in `details`. */
export interface ItemCurrencyOffersTable {
  id: Generated<number>;
  kind: string;
  seller_id: number;
  game_id: number;
  external_id: string | null;
  title: string;
  /** Title folded to lower case, for case-insensitive search on any dialect. */
  search_title: string;
  slug: string;
  description: string;
  /** JSON object. */
  parameters: string;
  status: string;
  delivery_time_duration: number;
  delivery_time_unit: string;
  delivery_time_seconds: number;
  delivery_instructions: string | null;
  stock: number;
  min_quantity: number;
  /** EUR per unit: cents (item) or millionths of a euro (currency). */
  price_amount: number;
  price_usd_amount: number;
  views: number;
  /** JSON array of strings. */
  image_urls: string;
  /** Unused since migration 0011 (table offer_orders); always '[]' in new rows. */
  order_ids: string;
  /** JSON object. */
  details: string;
  created_at: number;
  updated_at: number;
  listed_at: number | null;
}

/** One thread table for every order kind: (order_kind, order_id) names the thread. */
export interface MessagesTable {
  id: string;
  order_kind: string;
  order_id: number;
  type: string;
  text: string;
  attachment: string | null;
  /** null for system messages. */
  sender_id: number | null;
  sent_at: number;
}

export interface WebhookEndpointsTable {
  id: Generated<number>;
  user_id: number;
  url: string;
  description: string | null;
  /** JSON array of topics. */
  events: string;
  /** Sealed (AES-256-GCM). */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  disabled_at: number | null;
  disabled_reason: string | null;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookEventsTable {
  id: string;
  topic: string;
  user_id: number;
  /** The exact JSON body sent, `{"event","payload"}`. */
  payload: string;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  event_id: string;
  endpoint_id: number;
  /** pending, succeeded, failed */
  state: string;
  attempts: number;
  next_attempt_at_ms: number;
  lease_until_ms: number | null;
  created_at: number;
  finished_at: number | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  endpoint_id: number;
  event_id: string;
  attempt: number;
  attempted_at_ms: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** Orders per (kind, seller, status), kept with every write to `orders`. */
export interface OrderCountsTable {
  kind: string;
  seller_id: number;
  status: string;
  n: number;
}

/** Bumped by every write to one of a seller's orders of a kind (0019_seller_order_versions). */
export interface SellerOrderVersionsTable {
  kind: string;
  seller_id: number;
  version: number;
}

/** Account offers not deleted per (seller, status), kept with every write to `account_offers`. */
export interface AccountOfferCountsTable {
  seller_id: number;
  status: string;
  n: number;
}

/** Start-up steps a migration has asked for that need more than SQL (the key): done, the row goes. */
export interface StartupTasksTable {
  name: string;
}

/** An account offer of either format; `deleted_at` hides a deleted one (its orders still point at it). */
export interface AccountOffersTable {
  id: Generated<number>;
  seller_id: number;
  game_id: number;
  external_id: string | null;
  title: string;
  /** Title and description folded to lower case, for case-insensitive search on any dialect. */
  search_title: string;
  slug: string;
  description: string;
  search_description: string;
  /** JSON object. */
  parameters: string;
  dump: string;
  status: string;
  is_manual_delivery: number;
  delivery_time_duration: number;
  delivery_time_unit: string;
  delivery_time_seconds: number;
  delivery_instructions: string | null;
  price_amount: number;
  price_usd_amount: number;
  /** JSON array. */
  image_urls: string;
  is_legacy: number;
  /** A legacy offer's inline credentials as JSON, AES-256-GCM sealed; null on new-format offers. */
  credentials: string | null;
  /** Unused since migration 0011 (table offer_orders); always '[]' in new rows. */
  account_order_ids: string;
  views: number;
  /** JSON object: what is stored but not served (game_items, private_note). */
  details: string;
  created_at: number;
  updated_at: number;
  listed_at: number | null;
  deleted_at: number | null;
}

/** One unit of a new-format offer's stock. */
export interface AccountOfferCredentialsTable {
  id: Generated<number>;
  account_offer_id: number;
  /** AES-256-GCM sealed, never plaintext. */
  credentials: string;
  is_sold: number;
  account_order_id: number | null;
  created_at: number;
  updated_at: number;
}

/** The orders bought from an offer: one row per purchase; an offer's list is its rows by order_id. */
export interface OfferOrdersTable {
  /** 'account', 'item' or 'currency': the offer's table (and kind) and the order's kind. */
  offer_kind: string;
  offer_id: number;
  order_id: number;
}

/** Time-based work (src/domain/jobs.ts): one pending job per (kind, key); a run deletes it. */
export interface ScheduledJobsTable {
  kind: string;
  key: string;
  due_at_ms: number;
  /** JSON object. */
  payload: string;
  /** Bumped by every schedule(): fences claims taken on an older version. */
  version: number;
  lease_until_ms: number | null;
  attempts: number;
  last_error: string | null;
}

/** The sandbox's durable clock: one row (id 1); see src/sandbox/. */
export interface ClockStateTable {
  id: number;
  /** Added to the wall clock (milliseconds; >= 0 in practice). */
  offset_ms: number;
  /** Message and event ids are never minted from an earlier time than this (after a reset). */
  id_floor_ms: number;
  updated_at_ms: number;
}

/** Order dispute cases (src/domain/dispute-ports.ts); enums are text, timestamps Unix seconds. */
export interface DisputeCasesTable {
  id: Generated<number>;
  order_kind: string;
  order_id: number;
  seller_id: number;
  buyer_id: number;
  status: string;
  progress_path: string;
  reason: string;
  explanation: string;
  preferred_resolution: string;
  preferred_resolution_note: string | null;
  counter_resolution: string | null;
  escalation_reason: string | null;
  closure_reason: string | null;
  outcome: string | null;
  seller_response_hours: number;
  buyer_response_hours: number;
  seller_response_due_at: number | null;
  buyer_response_due_at: number | null;
  active_due_at: number | null;
  locked_at: number | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A case's timeline, oldest first by id; `payload` and `evidence_urls` are JSON text. */
export interface DisputeEventsTable {
  id: Generated<number>;
  case_id: number;
  type: string;
  actor_id: number | null;
  actor_username: string | null;
  payload: string;
  evidence_urls: string;
  created_at: number;
}

/** Idempotency-Key answers (src/domain/idempotency.ts); times are Unix ms of the application clock. */
export interface IdempotencyKeysTable {
  scope: string;
  idempotency_key: string;
  /** SHA-256 of the method, path and body: the same key with another request is refused. */
  fingerprint: string;
  /** null while the answer is not stored (the write committed first). */
  status: number | null;
  body: string | null;
  content_type: string | null;
  created_at: number;
  expires_at: number;
}

/** A scripted buyer per order (sandbox; src/domain/buyer-script.ts): steps and their states as JSON. */
export interface BuyerScriptsTable {
  order_kind: string;
  order_id: number;
  steps: string;
  state: string;
  generation: number;
  created_at: number;
  updated_at: number;
}

/**
 * The live streams' event log (0015_event_sequence). SQLite: `id` is the event's number.
 * PostgreSQL: `seq` is, given after the commit (the column does not exist on SQLite).
 */
export interface StreamEventsTable {
  id: Generated<number>;
  seq?: number | null;
  topic: string;
  order_kind: string;
  order_id: number;
  seller_id: number;
  buyer_id: number;
  /** The webhook payload, compact JSON. */
  payload: string;
  created_at: number;
}

/** One row (id 1): PostgreSQL's last event number, and the last number pruned (both dialects). */
export interface EventSequenceTable {
  id: number;
  last_seq: number;
  pruned_through: number;
}

export interface Database {
  users: UsersTable;
  api_keys: ApiKeysTable;
  games: GamesTable;
  game_templates: GameTemplatesTable;
  orders: OrdersTable;
  item_currency_offers: ItemCurrencyOffersTable;
  account_offers: AccountOffersTable;
  account_offer_credentials: AccountOfferCredentialsTable;
  order_counts: OrderCountsTable;
  seller_order_versions: SellerOrderVersionsTable;
  account_offer_counts: AccountOfferCountsTable;
  offer_orders: OfferOrdersTable;
  dispute_cases: DisputeCasesTable;
  dispute_events: DisputeEventsTable;
  messages: MessagesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  startup_tasks: StartupTasksTable;
  idempotency_keys: IdempotencyKeysTable;
  scheduled_jobs: ScheduledJobsTable;
  clock_state: ClockStateTable;
  stream_events: StreamEventsTable;
  event_sequence: EventSequenceTable;
  buyer_scripts: BuyerScriptsTable;
}
