import { Type, type TObject, type TSchema } from 'typebox';
import { DELIVERY_TIME_UNITS, deliveryTime } from '../domain/delivery-time.js';
import {
  DEFAULT_CURRENCY_UNIT,
  DELIVERY_FIELDS,
  DELIVERY_METHODS,
  MAX_STOCK,
  MAX_UNIT_PRICE,
  type CurrencyUnit,
  type OfferInput,
} from '../domain/item-currency-offers.js';
import { money } from '../domain/money.js';
import { ITEM_CURRENCY_OFFER_STATUSES, type ItemCurrencyOfferKind, type ItemCurrencyOfferRecord } from '../domain/ports.js';
import { MAX_ID, MoneySchema, Nullable, StringEnum } from './common.js';
import { DeliveryTimeSchema, GameSchema } from './order.js';
import { CurrencyUnitSchema, UnitPriceSchema, unitPriceFromMicros } from './order-kinds/currency-orders.js';
import { PageQuery } from './pagination.js';

/** GameBoost's item and currency offers: resources, request bodies and serializers. */
const Strict = { additionalProperties: false } as const;

const ParametersSchema = Type.Record(Type.String(), Type.Unknown(), { type: 'object', description: 'Game attributes (the body\'s item_data / currency_data); {} when none' });
const OfferStatusSchema = StringEnum(ITEM_CURRENCY_OFFER_STATUSES, { description: 'draft, listed, sold (listed without stock), archived' });

export const ItemOfferSchema = Type.Object(
  {
    id: Type.Integer(),
    external_id: Nullable(Type.String({ description: "The seller's own reference" })),
    game: GameSchema,
    title: Type.String(),
    slug: Type.String(),
    description: Type.String(),
    parameters: ParametersSchema,
    status: OfferStatusSchema,
    delivery_time: DeliveryTimeSchema,
    delivery_instructions: Nullable(Type.String()),
    stock: Type.Integer(),
    min_quantity: Type.Integer(),
    price_eur: MoneySchema,
    price_usd: MoneySchema,
    views: Type.Integer(),
    image_urls: Type.Array(Type.String()),
    item_order_ids: Type.Array(Type.Integer(), { description: 'Parley extension: the orders purchases of this offer created, oldest first' }),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
    listed_at: Nullable(Type.Integer()),
  },
  { ...Strict, description: 'An item offer: in-game items sold by quantity' },
);

export const CurrencyOfferSchema = Type.Object(
  {
    id: Type.Integer(),
    uuid: Type.String({ format: 'uuid' }),
    external_id: Nullable(Type.String({ description: "The seller's own reference" })),
    game: GameSchema,
    currency_unit: CurrencyUnitSchema,
    title: Type.String({ description: 'Generated: the game and the currency unit' }),
    description: Type.String(),
    parameters: ParametersSchema,
    base_currency: Type.String({ examples: ['EUR'], description: 'Always EUR: USD prices are converted on input' }),
    status: OfferStatusSchema,
    delivery_time: DeliveryTimeSchema,
    delivery_instructions: Nullable(Type.String()),
    delivery_method: Nullable(StringEnum(DELIVERY_METHODS)),
    excluded_delivery_fields: Type.Array(StringEnum(DELIVERY_FIELDS)),
    stock: Type.Integer({ description: 'In currency units' }),
    min_quantity: Type.Integer({ description: 'In currency units' }),
    price_eur: { ...UnitPriceSchema, description: 'Price per currency unit' },
    price_usd: { ...UnitPriceSchema, description: 'Price per currency unit' },
    views: Type.Integer(),
    icon_url: Type.String({ description: '"" when none' }),
    currency_order_ids: Type.Array(Type.Integer(), { description: 'Parley extension: the orders purchases of this offer created, oldest first' }),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
    listed_at: Nullable(Type.Integer()),
  },
  { ...Strict, description: 'A currency offer: in-game currency sold by the unit' },
);

function head(offer: ItemCurrencyOfferRecord) {
  return { id: offer.id, external_id: offer.external_id, game: offer.game };
}

function tail(offer: ItemCurrencyOfferRecord) {
  return { created_at: offer.created_at, updated_at: offer.updated_at, listed_at: offer.listed_at };
}

export function toItemOfferResource(offer: ItemCurrencyOfferRecord) {
  return {
    ...head(offer),
    title: offer.title,
    slug: offer.slug,
    description: offer.description,
    parameters: offer.parameters,
    status: offer.status,
    delivery_time: deliveryTime(offer.delivery_time_duration, offer.delivery_time_unit),
    delivery_instructions: offer.delivery_instructions,
    stock: offer.stock,
    min_quantity: offer.min_quantity,
    price_eur: money(offer.price_amount, 'EUR'),
    price_usd: money(offer.price_usd_amount, 'USD'),
    views: offer.views,
    image_urls: offer.image_urls,
    item_order_ids: offer.order_ids,
    ...tail(offer),
  };
}

export function toCurrencyOfferResource(offer: ItemCurrencyOfferRecord) {
  const d = offer.details;
  const unit = (d.currency_unit as CurrencyUnit | undefined) ?? DEFAULT_CURRENCY_UNIT;
  const { id, external_id, game } = head(offer);
  return {
    id,
    uuid: String(d.uuid ?? ''),
    external_id,
    game,
    currency_unit: unit,
    title: offer.title,
    description: offer.description,
    parameters: offer.parameters,
    base_currency: String(d.base_currency ?? 'EUR'),
    status: offer.status,
    delivery_time: deliveryTime(offer.delivery_time_duration, offer.delivery_time_unit),
    delivery_instructions: offer.delivery_instructions,
    delivery_method: (d.delivery_method ?? null) as (typeof DELIVERY_METHODS)[number] | null,
    excluded_delivery_fields: (d.excluded_delivery_fields ?? []) as (typeof DELIVERY_FIELDS)[number][],
    stock: offer.stock,
    min_quantity: offer.min_quantity,
    price_eur: unitPriceFromMicros(offer.price_amount, 'EUR', unit.name),
    price_usd: unitPriceFromMicros(offer.price_usd_amount, 'USD', unit.name),
    views: offer.views,
    icon_url: String(d.icon_url ?? ''),
    currency_order_ids: offer.order_ids,
    ...tail(offer),
  };
}

const DeliveryTimeBody = Type.Object({
  duration: Type.Integer({ minimum: 1, maximum: 1000 }),
  unit: StringEnum(DELIVERY_TIME_UNITS),
});

function priceBody(decimals: number, description: string) {
  return Type.Unsafe<number | string>({
    type: ['number', 'string'],
    description: `${description}: a number or a numeric string ("12.50"), at most ${decimals} decimals, from ${decimals === 2 ? '0.01' : '0.000001'} to ${MAX_UNIT_PRICE}`,
    examples: [decimals === 2 ? 9.99 : 0.015],
  });
}

function integerBody(minimum: number, description: string) {
  return Type.Unsafe<number | string>({ type: ['integer', 'string'], minimum, maximum: MAX_STOCK, description: `${description}: an integer or an integer string, ${minimum} to ${MAX_STOCK}` });
}

const gameFields = {
  game_id: Type.Optional(Nullable(Type.Integer({ maximum: MAX_ID, description: 'The game; or give its slug as `game`. One of them is required on create' }))),
  game: Type.Optional(Nullable(Type.String({ maxLength: 255, description: 'The game\'s slug, instead of game_id' }))),
};

/** Each kind's body fields: `required` on create, every one optional on PATCH. */
function itemFields() {
  return {
    required: {
      title: Type.String({ maxLength: 255 }),
      description: Type.String({ maxLength: 2048 }),
      price: priceBody(2, 'EUR per unit'),
      stock: integerBody(0, 'Units for sale'),
      delivery_time: DeliveryTimeBody,
    },
    optional: {
      ...gameFields,
      external_id: Nullable(Type.String({ maxLength: 255 })),
      slug: Nullable(Type.String({ maxLength: 255, description: 'Default: made from the title' })),
      min_quantity: Type.Unsafe<number | string | null>({ ...integerBody(1, 'Smallest purchase; default 1'), type: ['integer', 'string', 'null'] }),
      delivery_instructions: Nullable(Type.String({ maxLength: 2048 })),
      image_urls: Nullable(Type.Array(Type.String({ format: 'uri', maxLength: 2048 }), { maxItems: 20 })),
      item_data: Nullable(Type.Record(Type.String(), Type.Unknown(), { type: 'object', description: 'Game attributes per the template; served as parameters' })),
    },
  };
}

function currencyFields() {
  return {
    required: {
      description: Type.String({ maxLength: 5028 }),
      price: priceBody(6, 'Per currency unit, in `currency`'),
      stock: integerBody(0, 'Currency units for sale'),
      delivery_time: DeliveryTimeBody,
    },
    optional: {
      ...gameFields,
      external_id: Nullable(Type.String({ maxLength: 255 })),
      currency: Nullable(StringEnum(['EUR', 'USD'] as const, { description: 'Of the price; default EUR. USD is converted to EUR (PARLEY_EUR_USD_RATE) and stored in EUR' })),
      min_quantity: Type.Unsafe<number | string | null>({ ...integerBody(1, 'Smallest purchase in currency units; default 1'), type: ['integer', 'string', 'null'] }),
      delivery_instructions: Nullable(Type.String({ maxLength: 2048 })),
      delivery_method: Nullable(StringEnum(DELIVERY_METHODS, { description: 'null: the legacy pre-checkout behaviour' })),
      excluded_delivery_fields: Nullable(Type.Array(StringEnum(DELIVERY_FIELDS), {
        maxItems: DELIVERY_FIELDS.length,
        uniqueItems: true,
        description: 'Buyer fields not asked for; not those the delivery method needs (username: username; login: login, password; trade, auction, gift, mail: username)',
      })),
      currency_data: Nullable(Type.Record(Type.String(), Type.Unknown(), { type: 'object', description: 'Game attributes per the template (server, faction...); served as parameters' })),
      currency_unit: Nullable({ ...CurrencyUnitSchema, description: 'Parley extension: the unit sold (default Gold, multiplier 1); the title is made from the game and the unit' }),
    },
  };
}

function optionalAll(fields: Record<string, TSchema>): Record<string, TSchema> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)]));
}

export function offerBodies(kind: ItemCurrencyOfferKind): { create: TObject; update: TObject } {
  const { required, optional } = kind === 'item' ? itemFields() : currencyFields();
  return {
    create: Type.Object({ ...required, ...optionalAll(optional) }),
    update: Type.Object({ ...optionalAll(required), ...optionalAll(optional) }, { description: 'Every field optional; prices as numbers or numeric strings' }),
  };
}

/** A validated body as the domain takes it (`item_data` / `currency_data` become `data`). */
export function toOfferInput(body: Record<string, unknown>): OfferInput {
  const { item_data, currency_data, ...rest } = body;
  return { ...(rest as OfferInput), data: (item_data ?? currency_data) as Record<string, unknown> | null | undefined };
}

export const OfferListQuery = Type.Object(
  {
    ...PageQuery,
    sort: Type.Optional(Type.String({ description: 'id, price, views, delivery_time, created_at, updated_at, listed_at; prefix - for descending; comma list' })),
    'filter[search]': Type.Optional(Type.String({ description: 'Offer id or part of the title' })),
    'filter[id]': Type.Optional(Type.String({ description: 'Comma list of offer ids' })),
    'filter[status]': Type.Optional(Type.String({ description: 'draft, listed, sold or archived (comma list)' })),
    'filter[game_id]': Type.Optional(Type.String({ description: 'Comma list of game ids; also filter[game_id][0]=2' })),
  },
  { additionalProperties: true },
);

export function OfferActionEnvelope<T extends TSchema>(offer: T) {
  return Type.Object(
    {
      data: offer,
      message: Type.String({ examples: ['Item offer listed successfully.'] }),
      action: StringEnum(['list', 'draft', 'archive'] as const),
      previous_status: Nullable(OfferStatusSchema),
    },
    Strict,
  );
}

export const PurchaseBody = Type.Object({
  buyer_id: Type.Integer({ maximum: MAX_ID, description: 'A user with role buyer' }),
  quantity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_STOCK, description: "Units to buy; default the offer's min_quantity" }))),
});

/** What the http layer and the document need about one kind of offer. */
export interface OfferKindApi {
  kind: ItemCurrencyOfferKind;
  /** `item-offers` */
  collection: string;
  /** `itemOffer` */
  param: string;
  tag: string;
  label: string;
  schemaName: string;
  schema: TObject;
  toResource(offer: ItemCurrencyOfferRecord): Record<string, unknown>;
}

export const itemOffers: OfferKindApi = {
  kind: 'item', collection: 'item-offers', param: 'itemOffer', tag: 'Item Offers', label: 'item offer',
  schemaName: 'ItemOffer', schema: ItemOfferSchema, toResource: toItemOfferResource,
};
export const currencyOffers: OfferKindApi = {
  kind: 'currency', collection: 'currency-offers', param: 'currencyOffer', tag: 'Currency Offers', label: 'currency offer',
  schemaName: 'CurrencyOffer', schema: CurrencyOfferSchema, toResource: toCurrencyOfferResource,
};
export const OFFER_KIND_APIS = [itemOffers, currencyOffers] as const;
