import { legacyCredentialsText, NO_STOCK, NOT_LISTED } from './account-offers.js';
import { deliveryTime, type DeliveryTimeUnit } from './delivery-time.js';
import { NotFoundError, ValidationError } from './errors.js';
import { createOrder, type OrderSettings } from './orders.js';
import type { OrderKind, OrderRecord, Store } from './ports.js';

/**
 * A buyer buys a listed offer: the order is created from a snapshot of the offer, through
 * createOrder (so its `<kind>.order.purchased` event goes to the outbox as for any order), with
 * a system message opening its thread. Call inside the purchase's transaction.
 */
export interface OfferSnapshot {
  kind: OrderKind;
  offer_id: number;
  seller_id: number;
  game_id: number;
  title: string;
  description: string;
  parameters: Record<string, unknown>;
  delivery_time: { duration: number; unit: DeliveryTimeUnit };
  /** EUR and USD, minor units. */
  price_amount: number;
  price_usd_amount: number;
  status: 'pending' | 'in_delivery';
  /** Plaintext; the store seals it. */
  credentials: string | null;
  /** The kind's own fields (is_manual_delivery, image_urls, quantity, ...). */
  details: Record<string, unknown>;
}

const decimal = (cents: number) => (cents / 100).toFixed(2);

/** Creates the order of a purchase and writes the thread's first system message. */
export async function createOrderFromOffer(tx: Store, buyerId: number, offer: OfferSnapshot, settings: OrderSettings, systemText: string): Promise<OrderRecord> {
  const order = await createOrder(tx, {
    kind: offer.kind,
    seller_id: offer.seller_id,
    buyer_id: buyerId,
    title: offer.title,
    description: offer.description,
    price: decimal(offer.price_amount),
    price_usd: decimal(offer.price_usd_amount),
    game_id: offer.game_id,
    status: offer.status,
    offer_id: offer.offer_id,
    parameters: offer.parameters,
    delivery_time: offer.delivery_time,
    credentials: offer.credentials,
    details: offer.details,
  }, settings);
  const nowMs = tx.clock.nowMs();
  const message = await tx.messages.insert({
    id: tx.messageIds.next(nowMs),
    order_kind: order.kind,
    order_id: order.id,
    type: 'system_message',
    text: systemText,
    attachment: null,
    sender: null,
    sent_at: order.created_at,
  });
  await tx.outbox.publish({ type: 'order.message.created', order: { kind: order.kind, id: order.id, seller_id: order.seller_id }, message });
  return order;
}

export const BUYER_INVALID = 'The selected buyer id is invalid.';

/** The buyer named by a purchase: an existing user with role buyer. */
export async function checkPurchaseBuyer(store: Store, buyerId: number | undefined): Promise<Record<string, string[]>> {
  if (buyerId === undefined) return {};
  const buyer = buyerId >= 1 ? await store.users.findById(buyerId) : undefined;
  return buyer?.role === 'buyer' ? {} : { buyer_id: [BUYER_INVALID] };
}

/**
 * The purchase of one unit of an account offer, in one transaction: the offer (locked on
 * PostgreSQL) must be listed and have stock; a new-format offer's oldest unsold credential is
 * marked sold and linked to the order, a legacy offer gives its inline account. An instant
 * offer's order starts `in_delivery` with the credentials; a manual one `pending` without them.
 * The order id is appended to the offer, which turns `sold` when no stock remains.
 */
export async function purchaseAccountOffer(store: Store, offerId: number, buyerId: number, settings: OrderSettings): Promise<OrderRecord> {
  return store.transaction(async (tx) => {
    const offer = await tx.accountOffers.findWithoutOrders(offerId);
    if (!offer) throw new NotFoundError();
    const buyerErrors = await checkPurchaseBuyer(tx, buyerId);
    if (Object.keys(buyerErrors).length) throw new ValidationError(buyerErrors);
    if (offer.status !== 'listed') throw ValidationError.field('account_offer', NOT_LISTED);
    const now = tx.clock.now();

    let credentials: string | null;
    let claimedId: number | null = null;
    if (offer.is_legacy) {
      if (await tx.accountOffers.hasOrders(offer.id)) throw ValidationError.field('account_offer', NO_STOCK);
      credentials = legacyCredentialsText(offer.credentials);
    } else {
      const claimed = await tx.accountOffers.claimOldestCredential(offer.id, now);
      if (!claimed) throw ValidationError.field('account_offer', NO_STOCK);
      credentials = claimed.credentials;
      claimedId = claimed.id;
    }

    const manual = offer.is_manual_delivery;
    const delivery = deliveryTime(offer.delivery_time_duration, offer.delivery_time_unit);
    const text = manual
      ? `Order placed: the buyer purchased "${offer.title}". The seller delivers the account within ${delivery.format_long}.`
      : `Order placed: the buyer purchased "${offer.title}". The account credentials were delivered instantly.`;
    const order = await createOrderFromOffer(tx, buyerId, {
      kind: 'account',
      offer_id: offer.id,
      seller_id: offer.seller_id,
      game_id: offer.game_id,
      title: offer.title,
      description: offer.description,
      parameters: offer.parameters,
      delivery_time: { duration: offer.delivery_time_duration, unit: offer.delivery_time_unit },
      price_amount: offer.price_amount,
      price_usd_amount: offer.price_usd_amount,
      status: manual ? 'pending' : 'in_delivery',
      credentials: manual ? null : credentials,
      details: { is_manual_delivery: manual, delivery_instructions: offer.delivery_instructions, image_urls: offer.image_urls },
    }, settings, text);

    if (claimedId !== null) await tx.accountOffers.linkCredentialToOrder(claimedId, order.id);
    const remaining = offer.is_legacy ? 0 : await tx.accountOffers.countUnsold(offer.id);
    await tx.accountOffers.recordPurchase(offer.id, order.id, {
      ...(remaining === 0 ? { status: 'sold' as const } : {}),
      updated_at: now,
    });
    return order;
  });
}
