import { Type } from 'typebox';
import { money } from '../../domain/money.js';
import { MoneySchema, Nullable } from '../common.js';
import { orderHead, orderState, orderTimes } from '../order.js';

const { id: _id, ...orderHeadRest } = orderHead;
import { commonResource, type OrderKindApi } from './order-kind-api.js';

export const AccountOrderSchema = Type.Object(
  {
    id: Type.Integer(),
    account_offer_id: Type.Integer(),
    ...orderHeadRest,
    ...orderState,
    is_manual_delivery: Type.Boolean(),
    credentials: Nullable(Type.String({ description: 'The delivered account credentials (encrypted at rest); null until delivered, as GameBoost serves new-format orders' })),
    delivery_instructions: Nullable(Type.String({ description: 'null when the seller gave none, as GameBoost serves it' })),
    price: MoneySchema,
    price_usd: MoneySchema,
    image_urls: Type.Array(Type.String()),
    ...orderTimes,
  },
  { additionalProperties: false, description: 'An account order: the sale of a game account' },
);

export const accountOrders: OrderKindApi<'accountOrder', never> = {
  kind: 'account',
  collection: 'account-orders',
  param: 'accountOrder' as const,
  offers: null,
  tag: 'Account Orders',
  label: 'account order',
  schemaName: 'AccountOrder',
  schema: AccountOrderSchema,
  priceField: 'price',
  offerField: 'account_offer_id',
  canComplete: false,
  hasCredentialsEndpoint: true,
  createFields: {
    is_manual_delivery: Type.Optional(Nullable(Type.Boolean({ description: 'Default true' }))),
    credentials: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    delivery_instructions: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    image_urls: Type.Optional(Nullable(Type.Array(Type.String({ format: 'uri', maxLength: 2048 }), { maxItems: 20 }))),
  },
  toOwnFields: (body) => ({
    credentials: (body.credentials as string | null | undefined) ?? null,
    details: {
      is_manual_delivery: body.is_manual_delivery ?? true,
      delivery_instructions: body.delivery_instructions ?? null,
      image_urls: body.image_urls ?? [],
    },
  }),
  toResource(order) {
    const { id, ...common } = commonResource(order);
    const d = order.details;
    return {
      id,
      account_offer_id: order.offer_id,
      ...common,
      is_manual_delivery: d.is_manual_delivery ?? true,
      credentials: order.credentials,
      delivery_instructions: d.delivery_instructions ?? null,
      price: money(order.price_amount, 'EUR'),
      price_usd: money(order.price_usd_amount, 'USD'),
      image_urls: d.image_urls ?? [],
    };
  },
};
