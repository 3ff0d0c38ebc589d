import { unixNow } from './clock.js';
import { deliveryTimeSeconds, type DeliveryTimeUnit } from './delivery-time.js';
import { ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import { newMessageId } from './message-id.js';
import { parseMoneyInput } from './money.js';
import { parseOrderListParams, type OrderListParams } from './order-list-query.js';
import { assertTransition, statusChangeText, timestampsForStatus, type OrderStatus } from './order-status.js';
import type { AccountOrderFields, AccountOrderRecord, Store } from './ports.js';
import type { Actor } from './users.js';

export interface CreateAccountOrderInput {
  seller_id: number;
  buyer_id: number;
  title: string;
  description?: string | null;
  price?: string | number | null;
  price_usd?: string | number | null;
  game_id?: number | null;
  status?: OrderStatus | null;
  account_offer_id?: number | null;
  parameters?: Record<string, unknown> | null;
  is_manual_delivery?: boolean | null;
  credentials?: string | null;
  delivery_instructions?: string | null;
  delivery_time?: { duration: number; unit: DeliveryTimeUnit } | null;
  image_urls?: string[] | null;
}

export interface AccountOrderSettings {
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
 * money amounts. Fields that are absent are skipped, so the HTTP layer can run these next to
 * the schema's own errors and report every problem of a request at once.
 */
async function resolveNewAccountOrder(store: Store, input: Partial<CreateAccountOrderInput>) {
  const errors: FieldErrors = {};
  const seller = input.seller_id !== undefined ? await store.users.findById(input.seller_id) : undefined;
  if (input.seller_id !== undefined && seller?.role !== 'seller') errors.seller_id = ['The selected seller id is invalid.'];
  const buyer = input.buyer_id !== undefined ? await store.users.findById(input.buyer_id) : undefined;
  if (input.buyer_id !== undefined && buyer?.role !== 'buyer') errors.buyer_id = ['The selected buyer id is invalid.'];
  const game = input.game_id != null ? await store.games.findById(input.game_id) : await store.games.first();
  if (!game) errors.game_id = [input.game_id != null ? 'The selected game id is invalid.' : 'The game id field is required: no game exists yet.'];
  const price = moneyOrError(input.price, 'price', errors) ?? 0;
  const priceUsd = moneyOrError(input.price_usd, 'price_usd', errors);
  return { errors, seller, buyer, game, price, priceUsd };
}

export async function checkNewAccountOrder(store: Store, input: Partial<CreateAccountOrderInput>): Promise<FieldErrors> {
  return (await resolveNewAccountOrder(store, input)).errors;
}

/** Admin API: creates an order as a marketplace back end would after a purchase. */
export async function createAccountOrder(
  store: Store,
  input: CreateAccountOrderInput,
  settings: AccountOrderSettings,
  now = unixNow(),
): Promise<AccountOrderRecord> {
  const { errors, seller, buyer, game, price, priceUsd } = await resolveNewAccountOrder(store, input);
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const status = input.status ?? 'pending';
  const delivery = input.delivery_time ?? { duration: 1, unit: 'hours' as const };
  const fields: AccountOrderFields = {
    account_offer_id: input.account_offer_id ?? 0,
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
    is_manual_delivery: input.is_manual_delivery ?? true,
    credentials: input.credentials ?? null,
    delivery_instructions: input.delivery_instructions ?? null,
    price_amount: price,
    price_usd_amount: priceUsd ?? Math.round(price * settings.eurUsdRate),
    image_urls: input.image_urls ?? [],
    rating: null,
    created_at: now,
    updated_at: now,
    purchased_at: now,
    completed_at: null,
    refunded_at: null,
    ...timestampsForStatus(status, now),
  };
  return store.transaction(async (tx) => {
    const order = await tx.accountOrders.insert(fields);
    // Without an offer to point at, the order stands for its own offer.
    return input.account_offer_id == null ? tx.accountOrders.update(order.id, { account_offer_id: order.id }) : order;
  });
}

/** Moves an order along its lifecycle and tells both parties in the thread, atomically. */
export async function changeAccountOrderStatus(store: Store, id: number, to: OrderStatus, now = unixNow()): Promise<AccountOrderRecord> {
  return store.transaction(async (tx) => {
    const order = await tx.accountOrders.findById(id);
    if (!order) throw new NotFoundError();
    assertTransition(order.status, to);
    const updated = await tx.accountOrders.update(id, { status: to, updated_at: now, ...timestampsForStatus(to, now) });
    await tx.messages.insert({
      id: newMessageId(),
      order_kind: 'account',
      order_id: id,
      type: 'system_message',
      text: statusChangeText(order.status, to),
      attachment: null,
      sender_id: null,
      sent_at: now,
    });
    return updated;
  });
}

/** Sellers and buyers see their own orders; admin keys see every order. */
export function assertParticipant(actor: Actor, order: { seller_id: number; buyer_id: number }): void {
  if (actor.isAdmin) return;
  if (order.seller_id !== actor.user.id && order.buyer_id !== actor.user.id) throw new ForbiddenError();
}

export async function getAccountOrder(store: Store, actor: Actor, id: number): Promise<AccountOrderRecord> {
  const order = await store.accountOrders.findById(id);
  if (!order) throw new NotFoundError();
  assertParticipant(actor, order);
  return order;
}

export interface AccountOrderPage {
  rows: AccountOrderRecord[];
  total: number;
  page: number;
  perPage: number;
}

/** The caller's sales (orders where the caller is the seller); admin keys list every order. */
export async function listAccountOrders(store: Store, actor: Actor, params: OrderListParams): Promise<AccountOrderPage> {
  const query = parseOrderListParams(params, actor.isAdmin ? null : actor.user.id);
  const { rows, total } = await store.accountOrders.list(query);
  return { rows, total, page: query.page, perPage: query.perPage };
}

/** Path ids are strings on the wire; anything but a positive integer names no resource. */
export function parseResourceId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new NotFoundError();
  const id = Number(raw);
  if (!Number.isSafeInteger(id)) throw new NotFoundError();
  return id;
}
