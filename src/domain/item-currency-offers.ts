import { randomUUID } from 'node:crypto';
import { unixSeconds } from './clock.js';
import type { DeliveryTimeUnit } from './delivery-time.js';
import { ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import { ListParamsReader } from './list-params.js';
import { OFFER_FILTERS, parseOrderListParams, type OrderListParams } from './order-list-query.js';
import { createOrder, updateWithSystemMessage, type OrderPage, type OrderSettings } from './orders.js';
import {
  ITEM_CURRENCY_OFFER_STATUSES,
  type Game,
  type ItemCurrencyOfferFields,
  type ItemCurrencyOfferKind,
  type ItemCurrencyOfferListQuery,
  type ItemCurrencyOfferPatch,
  type ItemCurrencyOfferRecord,
  type ItemCurrencyOfferWithoutOrders,
  type ItemCurrencyOfferSortColumn,
  type ItemCurrencyOfferStatus,
  type OrderListQuery,
  type OrderRecord,
  type Store,
} from './ports.js';
import type { Actor } from './users.js';

/**
 * Item and currency offers: what a seller sells by quantity, and the purchase that turns units of
 * stock into an order. Both kinds share these rules; they differ in their price precision (items:
 * cents, currencies: millionths of a euro per unit) and their own fields (`details`).
 */

export const MAX_STOCK = 1_000_000_000;
/** The highest unit price an offer takes, in EUR (GameBoost documents none; Laravel needs a max). */
export const MAX_UNIT_PRICE = 100_000;
/** The highest total an order can carry (what the admin order create accepts: 10 digits and cents). */
const MAX_ORDER_CENTS = 999_999_999_999;

export const DELIVERY_METHODS = ['none', 'username', 'login', 'trade', 'auction', 'gift', 'redeem', 'mail'] as const;
export const DELIVERY_FIELDS = ['username', 'server', 'login', 'password', 'platform', 'region'] as const;
/** The buyer fields each delivery method needs, which `excluded_delivery_fields` may not name. */
export const FIELDS_REQUIRED_BY_METHOD: Record<(typeof DELIVERY_METHODS)[number], readonly string[]> = {
  none: [],
  username: ['username'],
  login: ['login', 'password'],
  trade: ['username'],
  auction: ['username'],
  gift: ['username'],
  redeem: [],
  mail: ['username'],
};

export interface CurrencyUnit {
  slug: string;
  currency_name: string;
  name: string;
  symbol: string;
  multiplier: number;
}
export const DEFAULT_CURRENCY_UNIT: CurrencyUnit = { slug: 'gold', currency_name: 'Gold', name: 'Gold', symbol: 'G', multiplier: 1 };

/** A create or PATCH body as the schema let it through; `data` is `item_data` / `currency_data`. */
export interface OfferInput {
  game_id?: number | null;
  game?: string | null;
  external_id?: string | null;
  title?: string | null;
  slug?: string | null;
  description?: string | null;
  price?: number | string | null;
  currency?: 'EUR' | 'USD' | null;
  stock?: number | string | null;
  min_quantity?: number | string | null;
  delivery_time?: { duration: number; unit: DeliveryTimeUnit } | null;
  delivery_instructions?: string | null;
  image_urls?: string[] | null;
  data?: Record<string, unknown> | null;
  delivery_method?: string | null;
  excluded_delivery_fields?: string[] | null;
  currency_unit?: CurrencyUnit | null;
}

const LABEL: Record<ItemCurrencyOfferKind, string> = { item: 'Item offer', currency: 'Currency offer' };

function attr(field: string): string {
  return field.replace(/_/g, ' ');
}

/**
 * A decimal given as a number or a numeric string (Laravel's `numeric`), with at most `decimals`
 * decimals, at least one of its smallest unit and at most MAX_UNIT_PRICE; answers that smallest
 * unit (cents for 2 decimals, millionths for 6).
 */
export function parseUnitPrice(value: unknown, field: string, decimals: number, errors: FieldErrors): number | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  const fail = (message: string) => {
    errors[field] = [message];
    return null;
  };
  if (/^\d+(\.\d+)?e-\d+$/i.test(text)) return fail(`The ${attr(field)} field must have 0-${decimals} decimal places.`);
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text) ?? /^(-?)()\.(\d+)$/.exec(text);
  if (!m) return fail(`The ${attr(field)} field must be a number.`);
  const [, sign, whole] = m;
  // Trailing zeros carry no precision: "12.500000" (a strict client's PATCH, sent for every kind) is 12.50.
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const min = `0.${'0'.repeat(decimals - 1)}1`;
  if (sign === '-' || Number(`${whole || '0'}.${fraction || '0'}`) < Number(min)) return fail(`The ${attr(field)} field must be at least ${min}.`);
  if (Number(`${whole || '0'}.${fraction || '0'}`) > MAX_UNIT_PRICE) return fail(`The ${attr(field)} field must not be greater than ${MAX_UNIT_PRICE}.`);
  if (fraction.length > decimals) return fail(`The ${attr(field)} field must have 0-${decimals} decimal places.`);
  return Number(whole || '0') * 10 ** decimals + Number(fraction.padEnd(decimals, '0'));
}

/** An integer given as a number or an integer string (Laravel's `integer`), within [min, max]. */
export function parseIntegerInput(value: unknown, field: string, min: number, max: number, errors: FieldErrors): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d+$/.test(text)) {
    errors[field] = [`The ${attr(field)} field must be an integer.`];
    return null;
  }
  const n = Number(text);
  if (n < min) errors[field] = [`The ${attr(field)} field must be at least ${min}.`];
  else if (n > max) errors[field] = [`The ${attr(field)} field must not be greater than ${max}.`];
  else return n;
  return null;
}

/** `Legendary Sword!` -> `legendary-sword`. */
export function slugify(text: string): string {
  const slug = text.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 255).replace(/-+$/, '');
  return slug === '' ? 'offer' : slug;
}

function currencyTitle(game: Game, unit: CurrencyUnit): string {
  return `${game.name} ${unit.name}`.slice(0, 255);
}

interface Resolved {
  errors: FieldErrors;
  game?: Game;
  price?: { eur: number; usd: number };
  stock?: number;
  min_quantity?: number;
}

/**
 * The checks beyond the schema, on the fields that passed it: the game (`game_id` or the slug
 * `game`, one of them on create), prices, integers given as strings, and the delivery fields a
 * method needs. `existing` is the offer a PATCH changes (null on create).
 */
export async function resolveOfferInput(
  store: Store,
  kind: ItemCurrencyOfferKind,
  input: OfferInput,
  existing: ItemCurrencyOfferRecord | null,
  settings: OrderSettings,
): Promise<Resolved> {
  const errors: FieldErrors = {};
  const out: Resolved = { errors };
  if (input.game_id != null) {
    out.game = input.game_id >= 1 ? await store.games.findById(input.game_id) : undefined;
    if (!out.game) errors.game_id = ['The selected game id is invalid.'];
  } else if (input.game != null) {
    out.game = await store.games.findBySlug(input.game);
    if (!out.game) errors.game = ['The selected game is invalid.'];
  } else if (existing === null) {
    errors.game_id = ['The game id field is required when game is not present.'];
  }
  if (input.price != null) {
    const decimals = kind === 'item' ? 2 : 6;
    const amount = parseUnitPrice(input.price, 'price', decimals, errors);
    if (amount !== null) {
      const rate = settings.eurUsdRate;
      // USD prices (currency offers) are converted to EUR before they are stored, as GameBoost does.
      out.price = input.currency === 'USD' ? { eur: Math.max(1, Math.round(amount / rate)), usd: amount } : { eur: amount, usd: Math.round(amount * rate) };
    }
  }
  if (input.stock != null) out.stock = parseIntegerInput(input.stock, 'stock', 0, MAX_STOCK, errors) ?? undefined;
  if (input.min_quantity != null) out.min_quantity = parseIntegerInput(input.min_quantity, 'min_quantity', 1, MAX_STOCK, errors) ?? undefined;
  if (kind === 'currency' && input.excluded_delivery_fields != null) {
    const method = (input.delivery_method !== undefined ? input.delivery_method : existing?.details.delivery_method) as keyof typeof FIELDS_REQUIRED_BY_METHOD | null | undefined;
    const needed = method ? FIELDS_REQUIRED_BY_METHOD[method] ?? [] : [];
    const clash = input.excluded_delivery_fields.filter((f) => needed.includes(f));
    if (clash.length > 0) {
      errors.excluded_delivery_fields = [`The excluded delivery fields field must not contain ${clash.join(', ')}: the delivery method ${method} needs ${clash.length === 1 ? 'it' : 'them'}.`];
    }
  }
  return out;
}

/** The field checks for assertValidRequest (create: `existing` null). */
export async function checkOfferInput(store: Store, kind: ItemCurrencyOfferKind, input: OfferInput, existing: ItemCurrencyOfferRecord | null, settings: OrderSettings): Promise<FieldErrors> {
  return (await resolveOfferInput(store, kind, input, existing, settings)).errors;
}

/** Offers are the seller's own: another seller's (or an unknown) id is a 404; admin keys reach every offer. */
export async function getOffer(store: Store, actor: Actor, kind: ItemCurrencyOfferKind, id: number): Promise<ItemCurrencyOfferRecord> {
  const offer = await store.itemCurrencyOffers.findById(kind, id);
  if (!offer || (!actor.isAdmin && offer.seller_id !== actor.user.id)) throw new NotFoundError();
  return offer;
}

/** Only sellers create offers: an offer is always some seller's. */
export function assertMayCreateOffer(actor: Actor): void {
  if (actor.user.role !== 'seller') throw new ForbiddenError();
}

/** A new offer is a draft; the seller lists it with `POST .../list`. */
export async function createOffer(store: Store, actor: Actor, kind: ItemCurrencyOfferKind, input: OfferInput, settings: OrderSettings): Promise<ItemCurrencyOfferRecord> {
  assertMayCreateOffer(actor);
  const resolved = await resolveOfferInput(store, kind, input, null, settings);
  if (Object.keys(resolved.errors).length) throw new ValidationError(resolved.errors);
  const now = store.clock.now();
  const game = resolved.game!;
  const unit = input.currency_unit ?? DEFAULT_CURRENCY_UNIT;
  const title = kind === 'item' ? input.title! : currencyTitle(game, unit);
  const details: Record<string, unknown> = kind === 'item'
    ? {}
    : {
      uuid: randomUUID(),
      currency_unit: unit,
      base_currency: 'EUR',
      delivery_method: input.delivery_method ?? null,
      excluded_delivery_fields: input.excluded_delivery_fields ?? [],
      icon_url: '',
    };
  const fields: ItemCurrencyOfferFields = {
    kind,
    seller_id: actor.user.id,
    game_id: game.id,
    external_id: input.external_id ?? null,
    title,
    slug: input.slug ?? slugify(title),
    description: input.description ?? '',
    parameters: input.data ?? {},
    status: 'draft',
    delivery_time_duration: input.delivery_time!.duration,
    delivery_time_unit: input.delivery_time!.unit,
    delivery_instructions: input.delivery_instructions ?? null,
    stock: resolved.stock!,
    min_quantity: resolved.min_quantity ?? 1,
    price_amount: resolved.price!.eur,
    price_usd_amount: resolved.price!.usd,
    views: 0,
    image_urls: input.image_urls ?? [],
    details,
    created_at: now,
    updated_at: now,
    listed_at: null,
  };
  return store.itemCurrencyOffers.insert(fields);
}

/**
 * PATCH: every given field changes, in one transaction. A stock change moves a listed offer to
 * `sold` at 0 and a sold one back to `listed` above 0 (sold means listed without stock).
 */
export async function updateOffer(
  store: Store,
  actor: Actor,
  kind: ItemCurrencyOfferKind,
  id: number,
  input: OfferInput,
  settings: OrderSettings,
): Promise<ItemCurrencyOfferRecord> {
  return store.transaction(async (tx) => {
    const offer = await getOffer(tx, actor, kind, id);
    const resolved = await resolveOfferInput(tx, kind, input, offer, settings);
    if (Object.keys(resolved.errors).length) throw new ValidationError(resolved.errors);
    const patch: ItemCurrencyOfferPatch = { updated_at: tx.clock.now() };
    if (resolved.game) patch.game_id = resolved.game.id;
    if (input.external_id !== undefined) patch.external_id = input.external_id;
    if (kind === 'item' && input.title != null) patch.title = input.title;
    if (input.slug != null) patch.slug = input.slug;
    if (input.description != null) patch.description = input.description;
    if (resolved.price) {
      patch.price_amount = resolved.price.eur;
      patch.price_usd_amount = resolved.price.usd;
    }
    if (resolved.min_quantity !== undefined) patch.min_quantity = resolved.min_quantity;
    if (input.delivery_time != null) {
      patch.delivery_time_duration = input.delivery_time.duration;
      patch.delivery_time_unit = input.delivery_time.unit;
    }
    if (input.delivery_instructions !== undefined) patch.delivery_instructions = input.delivery_instructions;
    if (input.image_urls != null) patch.image_urls = input.image_urls;
    if (input.data != null) patch.parameters = input.data;
    if (resolved.stock !== undefined) {
      patch.stock = resolved.stock;
      if (offer.status === 'listed' && resolved.stock === 0) patch.status = 'sold';
      if (offer.status === 'sold' && resolved.stock > 0) patch.status = 'listed';
    }
    if (kind === 'currency') {
      const details = { ...offer.details };
      if (input.delivery_method !== undefined) details.delivery_method = input.delivery_method;
      if (input.excluded_delivery_fields != null) details.excluded_delivery_fields = input.excluded_delivery_fields;
      if (input.currency_unit != null) details.currency_unit = input.currency_unit;
      patch.details = details;
      // The title is generated from the game and the unit, and follows them.
      if (resolved.game || input.currency_unit != null) {
        patch.title = currencyTitle(resolved.game ?? offer.game, (details.currency_unit as CurrencyUnit | undefined) ?? DEFAULT_CURRENCY_UNIT);
      }
    }
    return tx.itemCurrencyOffers.update(kind, id, patch);
  });
}

export const OFFER_ACTIONS = ['list', 'draft', 'archive'] as const;
export type OfferAction = (typeof OFFER_ACTIONS)[number];

const ACTION_TARGET: Record<OfferAction, ItemCurrencyOfferStatus> = { list: 'listed', draft: 'draft', archive: 'archived' };
const ACTION_DONE: Record<OfferAction, string> = { list: 'listed', draft: 'moved to drafts', archive: 'archived' };

/**
 * `list`, `draft`, `archive`: any status may move to another (archived offers can be listed or
 * drafted again); the status the offer already has is a 422, and so is listing an offer without
 * stock. Listing stamps `listed_at`.
 */
export async function applyOfferAction(
  store: Store,
  actor: Actor,
  kind: ItemCurrencyOfferKind,
  id: number,
  action: OfferAction,
): Promise<{ offer: ItemCurrencyOfferRecord; previousStatus: ItemCurrencyOfferStatus; message: string }> {
  return store.transaction(async (tx) => {
    const offer = await getOffer(tx, actor, kind, id);
    const target = ACTION_TARGET[action];
    const label = LABEL[kind];
    const already = offer.status === target || (action === 'list' && offer.status === 'sold');
    if (already) {
      const now = { listed: 'already listed', draft: 'already a draft', archived: 'already archived', sold: 'already listed' }[target];
      throw ValidationError.field('status', `The ${label.toLowerCase()} is ${now}.`);
    }
    if (action === 'list' && offer.stock === 0) throw ValidationError.field('stock', `The ${label.toLowerCase()} has no stock: raise its stock before listing it.`);
    const now = tx.clock.now();
    const patch: ItemCurrencyOfferPatch = { status: target, updated_at: now };
    if (action === 'list') patch.listed_at = now;
    const updated = await tx.itemCurrencyOffers.update(kind, id, patch);
    return { offer: updated, previousStatus: offer.status, message: `${label} ${ACTION_DONE[action]} successfully.` };
  });
}

const SORT_KEYS: Record<string, ItemCurrencyOfferSortColumn> = {
  id: 'id',
  price: 'price_amount',
  views: 'views',
  delivery_time: 'delivery_time_seconds',
  created_at: 'created_at',
  updated_at: 'updated_at',
  listed_at: 'listed_at',
};

export interface OfferPage {
  rows: ItemCurrencyOfferRecord[];
  total: number;
  page: number;
  perPage: number;
}

/** The caller's offers of one kind (admin keys: every seller's), paginated, filtered and sorted as the order lists are. */
export async function listOffers(store: Store, actor: Actor, kind: ItemCurrencyOfferKind, params: OrderListParams): Promise<OfferPage> {
  const reader = new ListParamsReader(params);
  const { page, perPage } = reader;
  const query: ItemCurrencyOfferListQuery = { kind, sellerId: actor.isAdmin ? null : actor.user.id, sort: [], offset: reader.offset, limit: perPage };
  query.ids = reader.idList('id');
  query.gameIds = reader.idList('game_id');
  query.statuses = reader.enumList('status', ITEM_CURRENCY_OFFER_STATUSES);
  if (params.filter.search !== undefined) query.search = params.filter.search;
  query.sort = reader.sort(SORT_KEYS, 'id');
  reader.throwIfInvalid();
  const { rows, total } = await store.itemCurrencyOffers.list(query);
  return { rows, total, page, perPage };
}

/**
 * `GET /v2/{item|currency}-offers/{offer}/orders`. An offer that exists answers its seller's orders
 * of it, to its seller and to admin keys; another seller's is a 404. An id no offer has may still
 * name orders the admin API created before offers existed (their offer id was never checked):
 * those are listed for their seller (admin keys: anyone's) as before, and an id with neither an
 * offer nor such orders is a 404.
 */
export async function listOfferOrders(store: Store, actor: Actor, kind: ItemCurrencyOfferKind, params: OrderListParams, offerId: number): Promise<OrderPage> {
  const offer = await store.itemCurrencyOffers.findById(kind, offerId);
  if (offer && !actor.isAdmin && offer.seller_id !== actor.user.id) throw new NotFoundError();
  const sellerId = offer ? offer.seller_id : actor.isAdmin ? null : actor.user.id;
  // The path names the offer: the offer id filter is not declared there, unknown and ignored.
  const { [OFFER_FILTERS[kind]]: _ignored, ...filter } = params.filter;
  const query: OrderListQuery & { page: number; perPage: number } = parseOrderListParams({ ...params, filter }, kind, sellerId);
  query.offerId = offerId;
  if (!offer) {
    const probe: OrderListQuery = { kind, sellerId, offerId, dateRanges: [], sort: [{ column: 'id', direction: 'desc' }], offset: 0, limit: 1 };
    if ((await store.orders.list(probe)).total === 0) throw new NotFoundError();
  }
  const { rows, total } = await store.orders.list(query);
  return { rows, total, page: query.page, perPage: query.perPage };
}

export const PURCHASE_MESSAGES = {
  notListed: (kind: ItemCurrencyOfferKind) => `The ${LABEL[kind].toLowerCase()} is not listed.`,
  noStock: (kind: ItemCurrencyOfferKind) => `The ${LABEL[kind].toLowerCase()} is out of stock.`,
  belowMinimum: (min: number) => `The quantity field must be at least ${min} (the offer's minimum quantity).`,
  aboveStock: (stock: number) => `The quantity field must not be greater than ${stock} (the offer's stock).`,
  tooExpensive: `The quantity field is too large: the order's price must not be greater than ${(MAX_ORDER_CENTS / 100).toFixed(2)}.`,
};

/** Why `quantity` of this offer cannot be bought now, or null. */
function purchaseRefusal(offer: ItemCurrencyOfferWithoutOrders, quantity: number): FieldErrors | null {
  if (offer.status !== 'listed') return offer.status === 'sold' ? { quantity: [PURCHASE_MESSAGES.noStock(offer.kind)] } : { offer: [PURCHASE_MESSAGES.notListed(offer.kind)] };
  if (offer.stock === 0) return { quantity: [PURCHASE_MESSAGES.noStock(offer.kind)] };
  if (quantity < offer.min_quantity) return { quantity: [PURCHASE_MESSAGES.belowMinimum(offer.min_quantity)] };
  if (quantity > offer.stock) return { quantity: [PURCHASE_MESSAGES.aboveStock(offer.stock)] };
  return null;
}

/** Unit price x quantity in cents: items are priced in cents, currencies in millionths (rounded half up). */
function orderCents(kind: ItemCurrencyOfferKind, unit: number, quantity: number): bigint {
  const total = BigInt(unit) * BigInt(quantity);
  return kind === 'item' ? total : (total + 5_000n) / 10_000n;
}

const decimal = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;

export interface PurchaseInput {
  buyer_id: number;
  /** Default: the offer's minimum quantity. */
  quantity?: number | null;
}

/**
 * A buyer buys `quantity` units of a listed offer, in one transaction: the stock is taken by one
 * conditional write (of concurrent purchases of the last units exactly the stock is sold), the
 * order is created through createOrder with the offer's snapshot (its `order.purchased` event in
 * the same outbox), a system message opens the thread, and the offer records the order and turns
 * `sold` when no stock is left. Refusals are 422s; nothing is written then.
 */
export async function purchaseOffer(store: Store, kind: ItemCurrencyOfferKind, offerId: number, input: PurchaseInput, settings: OrderSettings): Promise<OrderRecord> {
  const nowMs = store.clock.nowMs();
  const now = unixSeconds(nowMs);
  return store.transaction(async (tx) => {
    const offer = await tx.itemCurrencyOffers.findWithoutOrders(kind, offerId);
    if (!offer) throw new NotFoundError();
    const quantity = input.quantity ?? offer.min_quantity;
    const errors: FieldErrors = {};
    const buyer = input.buyer_id >= 1 ? await tx.users.findById(input.buyer_id) : undefined;
    if (buyer?.role !== 'buyer') errors.buyer_id = ['The selected buyer id is invalid.'];
    const refusal = purchaseRefusal(offer, quantity);
    if (refusal) Object.assign(errors, refusal);
    const cents = orderCents(kind, offer.price_amount, quantity);
    const usdCents = orderCents(kind, offer.price_usd_amount, quantity);
    if (!errors.quantity && (cents > BigInt(MAX_ORDER_CENTS) || usdCents > BigInt(MAX_ORDER_CENTS))) errors.quantity = [PURCHASE_MESSAGES.tooExpensive];
    if (Object.keys(errors).length) throw new ValidationError(errors);

    if (!(await tx.itemCurrencyOffers.takeStock(kind, offerId, quantity, now))) {
      // Another purchase took the stock since the read above: say what stands now.
      const current = await tx.itemCurrencyOffers.findWithoutOrders(kind, offerId);
      throw new ValidationError((current && purchaseRefusal(current, quantity)) ?? { quantity: [PURCHASE_MESSAGES.noStock(kind)] });
    }
    const details: Record<string, unknown> = { quantity };
    if (kind === 'currency') {
      details.currency_unit = offer.details.currency_unit ?? DEFAULT_CURRENCY_UNIT;
      details.completion_proof_url = null;
      details.unit_price_micros = { eur: offer.price_amount, usd: offer.price_usd_amount };
    }
    const order = await createOrder(tx, {
      kind,
      seller_id: offer.seller_id,
      buyer_id: buyer!.id,
      title: offer.title,
      description: offer.description,
      price: decimal(cents),
      price_field: 'price_eur',
      price_usd: decimal(usdCents),
      game_id: offer.game_id,
      status: 'pending',
      offer_id: offer.id,
      parameters: offer.parameters,
      delivery_time: { duration: offer.delivery_time_duration, unit: offer.delivery_time_unit },
      credentials: null,
      details,
    }, settings, nowMs);
    const text = `${buyer!.username} purchased ${quantity} × ${offer.title}.`;
    const opened = await updateWithSystemMessage(tx, order, {}, text, nowMs);
    const taken = (await tx.itemCurrencyOffers.findWithoutOrders(kind, offerId))!;
    await tx.itemCurrencyOffers.recordPurchase(kind, offerId, order.id, {
      ...(taken.stock === 0 ? { status: 'sold' as const } : {}),
      updated_at: now,
    });
    return opened;
  });
}
