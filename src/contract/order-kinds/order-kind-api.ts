import { Type, type TObject, type TSchema } from 'typebox';
import { deliveryTime } from '../../domain/delivery-time.js';
import { DELIVERY_TIME_UNITS } from '../../domain/delivery-time.js';
import { ORDER_STATUSES } from '../../domain/order-status.js';
import type { CreateOrderInput } from '../../domain/orders.js';
import type { OrderKind, OrderRecord } from '../../domain/ports.js';
import { MAX_ID, Nullable, StringEnum } from '../common.js';

/**
 * What one kind of order declares about itself on the wire: its paths, its resource schema and
 * serializer, and its own fields in the admin create body. Everything else (routes, rules,
 * storage) is shared by the three kinds.
 */
export interface OrderKindApi<P extends string = string, O extends string = string> {
  kind: OrderKind;
  /** `account-orders` */
  collection: string;
  /** `accountOrder` */
  param: P;
  /** `GET /v2/{collection}/{param}/orders` lists one offer's orders. */
  offers: { collection: string; param: O } | null;
  tag: string;
  /** "account order", for summaries. */
  label: string;
  /** The resource, as served; named in the OpenAPI components. */
  schemaName: string;
  schema: TObject;
  toResource(order: OrderRecord): Record<string, unknown>;
  /** The kind's own admin create fields, next to the common ones. */
  createFields: Record<string, TSchema>;
  /** `price` (account) or `price_eur` (item, currency). */
  priceField: 'price' | 'price_eur';
  /** `account_offer_id`, ... */
  offerField: string;
  /** Splits the kind's own create fields into stored details and the plaintext credentials. */
  toOwnFields(body: Record<string, unknown>): Pick<CreateOrderInput, 'details' | 'credentials'>;
  /** `POST .../complete` exists (item and currency orders). */
  canComplete: boolean;
  /** `PATCH .../credentials` exists (account orders). */
  hasCredentialsEndpoint: boolean;
}

/** The fields every kind's resource takes straight from the order record. */
export function commonResource(order: OrderRecord) {
  return {
    id: order.id,
    game: order.game,
    buyer: order.buyer,
    rating: order.rating,
    title: order.title,
    // A documented plain string: strict clients fail on null (docs/api.md).
    description: order.description ?? '',
    parameters: order.parameters,
    status: order.status,
    is_disputed: order.is_disputed,
    dispute_case_id: order.dispute_case_id,
    delivery_time: deliveryTime(order.delivery_time_duration, order.delivery_time_unit),
    created_at: order.created_at,
    updated_at: order.updated_at,
    purchased_at: order.purchased_at,
    completed_at: order.completed_at,
    refunded_at: order.refunded_at,
  };
}

const Price = Type.Unsafe<string | number | null>({
  type: ['string', 'number', 'null'],
  description: 'Decimal amount in EUR, as a number or a string such as "12.50"; default 0',
});

/** The admin create body's common part, named the way the kind names its price and offer. */
export function commonCreateFields(api: Pick<OrderKindApi, 'priceField' | 'offerField'>): Record<string, TSchema> {
  return {
    seller_id: Type.Integer({ maximum: MAX_ID, description: 'A user with role seller' }),
    buyer_id: Type.Integer({ maximum: MAX_ID, description: 'A user with role buyer' }),
    title: Type.String({ maxLength: 255 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    [api.priceField]: Type.Optional(Price),
    price_usd: Type.Optional(Type.Unsafe<string | number | null>({ ...Price, description: 'Defaults to the EUR price at PARLEY_EUR_USD_RATE' })),
    game_id: Type.Optional(Nullable(Type.Integer({ maximum: MAX_ID, description: 'Defaults to the first game' }))),
    status: Type.Optional(Nullable(StringEnum(ORDER_STATUSES, { description: 'Defaults to pending' }))),
    [api.offerField]: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'Defaults to the order id' }))),
    parameters: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown(), { type: 'object' }))),
    delivery_time: Type.Optional(Nullable(Type.Object({
      duration: Type.Integer({ minimum: 1, maximum: 1000 }),
      unit: StringEnum(DELIVERY_TIME_UNITS),
    }))),
  };
}

/** Maps the common part of a (validated) create body to the domain's input. */
export function commonCreateInput(api: OrderKindApi, body: Record<string, unknown>): CreateOrderInput {
  return {
    kind: api.kind,
    seller_id: body.seller_id as number,
    buyer_id: body.buyer_id as number,
    title: body.title as string,
    description: body.description as string | null | undefined,
    price: body[api.priceField] as string | number | null | undefined,
    price_field: api.priceField,
    price_usd: body.price_usd as string | number | null | undefined,
    game_id: body.game_id as number | null | undefined,
    status: body.status as CreateOrderInput['status'],
    offer_id: body[api.offerField] as number | null | undefined,
    parameters: body.parameters as Record<string, unknown> | null | undefined,
    delivery_time: body.delivery_time as CreateOrderInput['delivery_time'],
    ...api.toOwnFields(body),
  };
}

/** Price per unit for kinds sold by quantity, rounded to the cent. */
export function unitAmount(order: OrderRecord, amount: number): number {
  const quantity = Number(order.details.quantity ?? 1) || 1;
  return Math.round(amount / quantity);
}
