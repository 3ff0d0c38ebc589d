import { Type } from 'typebox';
import { formatMicros, money } from '../../domain/money.js';
import type { OrderRecord } from '../../domain/ports.js';
import { MoneySchema, Nullable } from '../common.js';
import { orderHead, orderState } from '../order.js';

const { id: _id, ...orderHeadRest } = orderHead;
import { commonResource, unitAmount, type OrderKindApi } from './order-kind-api.js';

const CurrencyUnitSchema = Type.Object(
  {
    slug: Type.String({ maxLength: 64 }),
    currency_name: Type.String({ maxLength: 64 }),
    name: Type.String({ maxLength: 64 }),
    symbol: Type.String({ maxLength: 16 }),
    multiplier: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const UnitPriceSchema = Type.Object(
  {
    format: Type.String({ examples: ['€0,50'] }),
    format_readable: Type.String({ examples: ['€0,50 per 1K Gold'] }),
    amount: Type.Number({ description: 'Minor units (cents) per currency unit; a fraction of a cent for prices with more than 2 decimals (0.015 EUR: 1.5)' }),
    currency: Type.String({ examples: ['EUR'] }),
  },
  { additionalProperties: false },
);

const CredentialsObject = Type.Record(Type.String(), Type.Unknown(), { type: 'object' });

export { CurrencyUnitSchema };

export const CurrencyOrderSchema = Type.Object(
  {
    id: Type.Integer(),
    currency_offer_id: Type.Integer(),
    ...orderHeadRest,
    quantity: Type.Integer(),
    currency_unit: CurrencyUnitSchema,
    ...orderState,
    credentials: Nullable(CredentialsObject),
    completion_proof_url: Nullable(Type.String()),
    price_eur: MoneySchema,
    price_usd: MoneySchema,
    unit_price_eur: UnitPriceSchema,
    unit_price_usd: UnitPriceSchema,
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
  },
  { additionalProperties: false, description: 'A currency order: the sale of in-game currency' },
);

export const DEFAULT_UNIT = { slug: 'gold', currency_name: 'Gold', name: 'Gold', symbol: 'G', multiplier: 1 };

/** The unit price object of a price in millionths per unit (currency offers, and orders purchased from them). */
export function unitPriceFromMicros(micros: number, code: 'EUR' | 'USD', unitName: string) {
  const format = formatMicros(micros, code);
  return { format, format_readable: `${format} per ${unitName}`, amount: micros / 10_000, currency: code };
}

function unitPrice(order: OrderRecord, amount: number, code: 'EUR' | 'USD') {
  const unit = (order.details.currency_unit ?? DEFAULT_UNIT) as typeof DEFAULT_UNIT;
  // A purchase keeps the offer's exact unit price (up to 6 decimals), not price / quantity.
  const micros = order.details.unit_price_micros as { eur: number; usd: number } | undefined;
  if (micros) return unitPriceFromMicros(code === 'EUR' ? micros.eur : micros.usd, code, unit.name);
  const price = money(unitAmount(order, amount), code);
  return { format: price.format, format_readable: `${price.format} per ${unit.name}`, amount: price.amount, currency: code };
}

export const currencyOrders: OrderKindApi<'currencyOrder', 'currencyOffer'> = {
  kind: 'currency',
  collection: 'currency-orders',
  param: 'currencyOrder' as const,
  offers: { collection: 'currency-offers', param: 'currencyOffer' },
  tag: 'Currency Orders',
  label: 'currency order',
  schemaName: 'CurrencyOrder',
  schema: CurrencyOrderSchema,
  priceField: 'price_eur',
  offerField: 'currency_offer_id',
  canComplete: true,
  hasCredentialsEndpoint: false,
  createFields: {
    quantity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Units of currency_unit; default 1' }))),
    currency_unit: Type.Optional(Nullable(CurrencyUnitSchema)),
    credentials: Type.Optional(Nullable(CredentialsObject)),
    completion_proof_url: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2048 }))),
  },
  toOwnFields: (body) => ({
    // Stored as JSON text so the one encrypted column serves every kind.
    credentials: body.credentials == null ? null : JSON.stringify(body.credentials),
    details: {
      quantity: body.quantity ?? 1,
      currency_unit: body.currency_unit ?? DEFAULT_UNIT,
      completion_proof_url: body.completion_proof_url ?? null,
    },
  }),
  toResource(order) {
    const { id, title, description, purchased_at: _p, completed_at: _c, refunded_at: _r, ...rest } = commonResource(order);
    return {
      id,
      currency_offer_id: order.offer_id,
      ...rest,
      title,
      description,
      quantity: order.details.quantity ?? 1,
      currency_unit: order.details.currency_unit ?? DEFAULT_UNIT,
      credentials: order.credentials === null ? null : JSON.parse(order.credentials),
      completion_proof_url: order.details.completion_proof_url ?? null,
      price_eur: money(order.price_amount, 'EUR'),
      price_usd: money(order.price_usd_amount, 'USD'),
      unit_price_eur: unitPrice(order, order.price_amount, 'EUR'),
      unit_price_usd: unitPrice(order, order.price_usd_amount, 'USD'),
    };
  },
};
