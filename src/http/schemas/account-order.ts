import { Type } from 'typebox';
import { DELIVERY_TIME_UNITS } from '../../domain/delivery-time.js';
import { ORDER_STATUSES } from '../../domain/order-status.js';
import { MoneySchema, Nullable, StringEnum } from './common.js';

const Strict = { additionalProperties: false } as const;

export const GameSchema = Type.Object({ id: Type.Integer(), name: Type.String(), slug: Type.String() }, Strict);

export const RatingSchema = Type.Object(
  {
    id: Type.Integer(),
    labels: Type.Array(Type.String()),
    rating: Type.String(),
    comment: Nullable(Type.String()),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
  },
  Strict,
);

export const DeliveryTimeSchema = Type.Object(
  {
    duration: Type.Integer(),
    unit: StringEnum(DELIVERY_TIME_UNITS),
    format: Type.String({ examples: ['1h'] }),
    format_long: Type.String({ examples: ['1 hour'] }),
    seconds: Type.Integer(),
  },
  Strict,
);

export const AccountOrderSchema = Type.Object(
  {
    id: Type.Integer(),
    account_offer_id: Type.Integer(),
    game: GameSchema,
    buyer: Type.Object({ id: Type.Integer(), username: Type.String() }, Strict),
    rating: Type.Union([RatingSchema, Type.Null()]),
    title: Type.String(),
    description: Nullable(Type.String()),
    parameters: Type.Object({}, { additionalProperties: true }),
    status: StringEnum(ORDER_STATUSES),
    is_disputed: Type.Boolean(),
    dispute_case_id: Nullable(Type.Integer()),
    delivery_time: DeliveryTimeSchema,
    is_manual_delivery: Type.Boolean(),
    credentials: Nullable(Type.String()),
    delivery_instructions: Nullable(Type.String()),
    price: MoneySchema,
    price_usd: MoneySchema,
    image_urls: Type.Array(Type.String()),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
    purchased_at: Type.Integer({ description: 'What sort and filters call sold_at' }),
    completed_at: Nullable(Type.Integer()),
    refunded_at: Nullable(Type.Integer()),
  },
  { ...Strict, description: 'An account order: a sale of a game account' },
);

export const AccountOrderEnvelope = Type.Object({ data: AccountOrderSchema }, Strict);
