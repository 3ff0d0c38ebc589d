import { unixSeconds } from './clock.js';
import type { DeliveryTimeUnit } from './delivery-time.js';
import { NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import { authorizeOrder, checkAccess } from './order-access.js';
import { credentialsDelivered } from './auto-complete.js';
import { lockedOrderChanges } from './dispute-lock.js';
import { parseMoneyInput } from './money.js';
import { OFFER_FILTERS, parseOrderListParams, type OrderListParams } from './order-list-query.js';
import { assertTransition, statusChangeText, timestampsForStatus, type OrderStatus } from './order-status.js';
import type { OrderFields, OrderKind, OrderPatch, OrderRecord, Store } from './ports.js';
import type { Actor } from './users.js';

/**
 * One order module for every kind of sale. What differs between account, item and currency
 * orders (their own fields) arrives already shaped as `details` and `credentials`; the rules
 * here (lifecycle, access, threads) are the same for all three.
 */
export interface CreateOrderInput {
  kind: OrderKind;
  seller_id: number;
  buyer_id: number;
  title: string;
  description?: string | null;
  /** EUR; a number or a decimal string. */
  price?: string | number | null;
  price_usd?: string | number | null;
  /** The field that carries the price in errors (`price` or `price_eur`). */
  price_field?: string;
  game_id?: number | null;
  status?: OrderStatus | null;
  offer_id?: number | null;
  parameters?: Record<string, unknown> | null;
  delivery_time?: { duration: number; unit: DeliveryTimeUnit } | null;
  /** Plaintext; the store encrypts it. */
  credentials?: string | null;
  details?: Record<string, unknown>;
}

export interface OrderSettings {
  /** EUR -> USD, used when `price_usd` is not given. */
  eurUsdRate: number;
}

function moneyOrError(value: string | number | null | undefined, field: string, errors: FieldErrors): number | null {
  if (value == null) return null;
  try {
    return parseMoneyInput(value, field);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    Object.assign(errors, e.errors);
    return null;
  }
}

/**
 * The checks that need the database or parsing beyond the schema: referenced users and game,
 * money amounts. Absent fields are skipped, so the HTTP layer can run these next to the
 * schema's own errors and report every problem of a request at once.
 */
async function resolveNewOrder(store: Store, input: Partial<CreateOrderInput>) {
  const errors: FieldErrors = {};
  // Ids below 1 name nothing; not looked up, since PostgreSQL refuses those beyond bigint.
  const user = (id: number) => (id >= 1 ? store.users.findById(id) : undefined);
  const seller = input.seller_id !== undefined ? await user(input.seller_id) : undefined;
  if (input.seller_id !== undefined && seller?.role !== 'seller') errors.seller_id = ['The selected seller id is invalid.'];
  const buyer = input.buyer_id !== undefined ? await user(input.buyer_id) : undefined;
  if (input.buyer_id !== undefined && buyer?.role !== 'buyer') errors.buyer_id = ['The selected buyer id is invalid.'];
  const game = input.game_id != null ? (input.game_id >= 1 ? await store.games.findById(input.game_id) : undefined) : await store.games.first();
  if (!game) errors.game_id = [input.game_id != null ? 'The selected game id is invalid.' : 'The game id field is required: no game exists yet.'];
  const price = moneyOrError(input.price, input.price_field ?? 'price', errors) ?? 0;
  const priceUsd = moneyOrError(input.price_usd, 'price_usd', errors);
  return { errors, seller, buyer, game, price, priceUsd };
}

export async function checkNewOrder(store: Store, input: Partial<CreateOrderInput>): Promise<FieldErrors> {
  return (await resolveNewOrder(store, input)).errors;
}

/**
 * Admin API: creates an order as a marketplace back end would after a purchase. `nowMs`: the
 * caller's one reading of the clock, when its other writes carry it too (a purchase).
 */
export async function createOrder(store: Store, input: CreateOrderInput, settings: OrderSettings, nowMs = store.clock.nowMs()): Promise<OrderRecord> {
  const now = unixSeconds(nowMs);
  const { errors, seller, buyer, game, price, priceUsd } = await resolveNewOrder(store, input);
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const status = input.status ?? 'pending';
  const delivery = input.delivery_time ?? { duration: 1, unit: 'hours' as const };
  const fields: OrderFields = {
    kind: input.kind,
    offer_id: input.offer_id ?? 0,
    game_id: game!.id,
    seller_id: seller!.id,
    buyer_id: buyer!.id,
    title: input.title,
    description: input.description ?? null,
    parameters: input.parameters ?? {},
    status,
    is_disputed: false,
    dispute_case_id: null,
    delivery_time_duration: delivery.duration,
    delivery_time_unit: delivery.unit,
    price_amount: price,
    price_usd_amount: priceUsd ?? Math.round(price * settings.eurUsdRate),
    rating: null,
    credentials: input.credentials ?? null,
    details: input.details ?? {},
    created_at: now,
    updated_at: now,
    purchased_at: now,
    completed_at: null,
    refunded_at: null,
    ...timestampsForStatus(status, now),
  };
  return store.transaction(async (tx) => {
    const inserted = await tx.orders.insert(fields);
    // Without an offer to point at, the order stands for its own offer.
    const order = input.offer_id == null ? await tx.orders.update(inserted.kind, inserted.id, { offer_id: inserted.id }) : inserted;
    await tx.outbox.publish({ type: 'order.purchased', order });
    // An account order created with its credentials (an instant purchase) is delivered now.
    await credentialsDelivered(tx, order, tx.clock.nowMs());
    return order;
  });
}

/**
 * Applies a patch, appends a system message to the thread and publishes both events; call inside
 * a transaction. `nowMs` is the clock reading the caller stamped the patch with.
 */
export async function updateWithSystemMessage(store: Store, order: OrderRecord, patch: OrderPatch, text: string, nowMs: number): Promise<OrderRecord> {
  const now = unixSeconds(nowMs);
  const updated = await store.orders.update(order.kind, order.id, { ...patch, updated_at: now });
  const message = await store.messages.insert({
    id: store.messageIds.next(nowMs),
    order_kind: order.kind,
    order_id: order.id,
    type: 'system_message',
    text,
    attachment: null,
    sender: null,
    sent_at: now,
  });
  if (patch.status !== undefined) await store.outbox.publish({ type: 'order.status.updated', order: updated });
  await store.outbox.publish({ type: 'order.message.created', order: { kind: order.kind, id: order.id, seller_id: order.seller_id }, message });
  return updated;
}

/** Moves an order along its lifecycle and tells both parties in the thread, atomically. */
export async function changeOrderStatus(store: Store, kind: OrderKind, id: number, to: OrderStatus): Promise<OrderRecord> {
  const nowMs = store.clock.nowMs();
  const now = unixSeconds(nowMs);
  return store.transaction(async (tx) => {
    const order = await tx.orders.findById(kind, id);
    if (!order) throw new NotFoundError();
    assertTransition(order.status, to);
    return updateWithSystemMessage(tx, order, { status: to, ...timestampsForStatus(to, now) }, statusChangeText(order.status, to), nowMs);
  });
}

/** What the admin PATCH may change; every field optional, at least one given. */
export interface OrderChanges {
  status?: OrderStatus;
  /** null removes the rating. */
  rating?: { rating: number; labels?: string[] | null; comment?: string | null } | null;
  is_disputed?: boolean;
  dispute_case_id?: number | null;
}

/** Laravel's required_without_all, named on `status`. */
export const NO_ORDER_CHANGES = 'The status field is required when none of rating / is disputed / dispute case id are present.';

/** The checks beyond the schema, on the fields that passed it: the status move. */
export function checkOrderChanges(order: Pick<OrderRecord, 'status'>, changes: OrderChanges): FieldErrors {
  try {
    if (changes.status !== undefined) assertTransition(order.status, changes.status);
    return {};
  } catch (e) {
    if (e instanceof ValidationError) return e.errors;
    throw e;
  }
}

/**
 * Admin API: applies every given change in one transaction, or none. A status move appends its
 * system message and webhook event as changeOrderStatus does; rating and dispute fields change
 * silently. A new rating takes the order's id as its own (one rating per order) and keeps its
 * id and created_at when replaced.
 */
export async function changeOrder(store: Store, kind: OrderKind, id: number, changes: OrderChanges): Promise<OrderRecord> {
  if (Object.values(changes).every((v) => v === undefined)) throw ValidationError.field('status', NO_ORDER_CHANGES);
  const nowMs = store.clock.nowMs();
  const now = unixSeconds(nowMs);
  return store.transaction(async (tx) => {
    const order = await tx.orders.findById(kind, id);
    if (!order) throw new NotFoundError();
    const locked = await lockedOrderChanges(tx, kind, id, changes as Record<string, unknown>);
    if (Object.keys(locked).length > 0) throw new ValidationError(locked);
    const patch: OrderPatch = {};
    if (changes.rating === null) patch.rating = null;
    else if (changes.rating !== undefined) {
      patch.rating = {
        id: order.rating?.id ?? order.id,
        labels: changes.rating.labels ?? [],
        rating: changes.rating.rating,
        comment: changes.rating.comment ?? '',
        created_at: order.rating?.created_at ?? now,
        updated_at: now,
      };
    }
    if (changes.is_disputed !== undefined) patch.is_disputed = changes.is_disputed;
    if (changes.dispute_case_id !== undefined) patch.dispute_case_id = changes.dispute_case_id;
    if (changes.status !== undefined) {
      assertTransition(order.status, changes.status);
      const moved = { ...patch, status: changes.status, ...timestampsForStatus(changes.status, now) };
      return updateWithSystemMessage(tx, order, moved, statusChangeText(order.status, changes.status), nowMs);
    }
    return tx.orders.update(kind, id, { ...patch, updated_at: now });
  });
}

/**
 * The version of an order for `actor` (checked as a read), bumped by every update. Read before
 * the order, it lets a caller keep what it built from an earlier read of the same version
 * (src/http/answer-cache.ts).
 */
export async function orderVersion(store: Store, actor: Actor, kind: OrderKind, id: number): Promise<number> {
  return checkAccess(actor, await store.orders.findVersionedAccess(kind, id), 'read').version;
}

/**
 * The version of `actor`'s order list of a kind (a seller's sales), bumped by every write to one
 * of its orders; null for an admin, whose list spans every seller. Read before the list, it lets
 * a caller keep what it built from an earlier read of the same version (src/http/answer-cache.ts).
 */
export async function orderListVersion(store: Store, actor: Actor, kind: OrderKind): Promise<number | null> {
  return actor.isAdmin ? null : store.orders.sellerVersion(kind, actor.user.id);
}

export async function getOrder(store: Store, actor: Actor, kind: OrderKind, id: number): Promise<OrderRecord> {
  return authorizeOrder(store, actor, kind, id, 'read');
}

export interface OrderPage {
  rows: OrderRecord[];
  total: number;
  page: number;
  perPage: number;
}

/**
 * The caller's sales of one kind (orders where the caller is the seller), optionally of one
 * offer; admin keys list every seller's.
 */
export async function listOrders(store: Store, actor: Actor, kind: OrderKind, params: OrderListParams, offerId?: number): Promise<OrderPage> {
  // One offer's list does not declare the offer id filter: there it is unknown and ignored.
  const { [OFFER_FILTERS[kind]]: _offerFilter, ...otherFilters } = params.filter;
  const scoped = offerId === undefined ? params : { ...params, filter: otherFilters };
  const query = parseOrderListParams(scoped, kind, actor.isAdmin ? null : actor.user.id);
  if (offerId !== undefined) query.offerId = offerId;
  const { rows, total } = await store.orders.list(query);
  return { rows, total, page: query.page, perPage: query.perPage };
}

/** Path ids are strings on the wire; anything but a positive integer names no resource. */
export function parseResourceId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new NotFoundError();
  const id = Number(raw);
  if (!Number.isSafeInteger(id)) throw new NotFoundError();
  return id;
}
