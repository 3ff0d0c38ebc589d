import { Type } from 'typebox';
import { money } from '../../domain/money.js';
import { MoneySchema, Nullable } from '../common.js';
import { orderHead, orderState, orderTimes } from '../order.js';

const { id: _id, ...orderHeadRest } = orderHead;
import { commonResource, unitAmount, type OrderKindApi } from './order-kind-api.js';

export const ItemOrderSchema = Type.Object(
  {
    id: Type.Integer(),
    item_offer_id: Type.Integer(),
    ...orderHeadRest,
    quantity: Type.Integer(),
    ...orderState,
    price_eur: MoneySchema,
    price_usd: MoneySchema,
    unit_price_eur: MoneySchema,
    unit_price_usd: MoneySchema,
    ...orderTimes,
  },
  { additionalProperties: false, description: 'An item order: the sale of in-game items' },
);

export const itemOrders: OrderKindApi<'itemOrder', 'itemOffer'> = {
  kind: 'item',
  collection: 'item-orders',
  param: 'itemOrder' as const,
  offers: { collection: 'item-offers', param: 'itemOffer' },
  tag: 'Item Orders',
  label: 'item order',
  schemaName: 'ItemOrder',
  schema: ItemOrderSchema,
  priceField: 'price_eur',
  offerField: 'item_offer_id',
  canComplete: true,
  hasCredentialsEndpoint: false,
  createFields: {
    quantity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Default 1' }))),
  },
  toOwnFields: (body) => ({ credentials: null, details: { quantity: body.quantity ?? 1 } }),
  toResource(order) {
    const { id, title, description, ...rest } = commonResource(order);
    return {
      id,
      item_offer_id: order.offer_id,
      ...rest,
      title,
      description,
      quantity: order.details.quantity ?? 1,
      price_eur: money(order.price_amount, 'EUR'),
      price_usd: money(order.price_usd_amount, 'USD'),
      unit_price_eur: money(unitAmount(order, order.price_amount), 'EUR'),
      unit_price_usd: money(unitAmount(order, order.price_usd_amount), 'USD'),
    };
  },
};
