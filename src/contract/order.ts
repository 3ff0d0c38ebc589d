import { Type, type TSchema } from 'typebox';
import { DELIVERY_TIME_UNITS } from '../domain/delivery-time.js';
import { ORDER_STATUSES } from '../domain/order-status.js';
import { Nullable, StringEnum } from './common.js';
import { PageQuery } from './pagination.js';

/** Shapes every order kind shares; each kind's module adds its own fields around them. */
const Strict = { additionalProperties: false } as const;

export const GameSchema = Type.Object({ id: Type.Integer(), name: Type.String(), slug: Type.String() }, Strict);

export const BuyerSchema = Type.Object({ id: Type.Integer(), username: Type.String() }, Strict);

export const RatingSchema = Type.Object(
  {
    id: Type.Integer(),
    labels: Type.Array(Type.String()),
    rating: Type.Number({ minimum: 1, maximum: 5, examples: [5] }),
    comment: Type.String({ description: '"" when the buyer left none' }),
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

/** Fields in the order GameBoost lists them, so the JSON reads the same. */
export const orderHead = {
  id: Type.Integer(),
  game: GameSchema,
  buyer: BuyerSchema,
  rating: Type.Union([RatingSchema, Type.Null()]),
  title: Type.String(),
  description: Type.String({ description: '"" when the order has none (a plain string, never null)' }),
};

export const orderState = {
  parameters: Type.Record(Type.String(), Type.Unknown(), { type: 'object' }),
  status: StringEnum(ORDER_STATUSES),
  is_disputed: Type.Boolean(),
  dispute_case_id: Nullable(Type.Integer()),
  delivery_time: DeliveryTimeSchema,
};

export const orderTimes = {
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
  purchased_at: Type.Integer({ description: 'What sort and filters call sold_at' }),
  completed_at: Nullable(Type.Integer()),
  refunded_at: Nullable(Type.Integer()),
};

export function OrderEnvelope<T extends TSchema>(order: T) {
  return Type.Object({ data: order }, Strict);
}

/** `{data, message, action}` for complete, `{data, message, warning}` for credentials. */
export function OrderActionEnvelope<T extends TSchema>(order: T, extra: 'action' | 'warning') {
  return Type.Object({ data: order, message: Type.String(), [extra]: Type.String() }, Strict);
}

const filter = (description: string) => Type.Optional(Type.String({ description }));
const DATE = 'YYYY-MM-DD or YYYY-MM-DD,YYYY-MM-DD (UTC days, inclusive)';

/** The list's query: paging, sort and the documented filters (`filter[<offerField>]` when given). */
export function OrderListQuery(offerField: string | null) {
  return Type.Object(
    {
      ...PageQuery,
      sort: Type.Optional(Type.String({ description: 'id, price, delivery_time, created_at, updated_at, sold_at, completed_at; prefix - for descending; comma list' })),
      'filter[search]': filter('Order id or part of the title'),
      'filter[id]': filter('Comma list of order ids'),
      ...(offerField === null ? {} : { [`filter[${offerField}]`]: filter('Comma list of offer ids') }),
      'filter[buyer_id]': filter('Comma list of buyer ids'),
      'filter[status]': filter('pending, in_delivery, delivered or refunded (comma list)'),
      'filter[game_id]': filter('Comma list of game ids'),
      'filter[created_at]': filter(DATE),
      'filter[updated_at]': filter(DATE),
      'filter[sold_at]': filter(DATE),
      'filter[completed_at]': filter(DATE),
      'filter[refunded_at]': filter(DATE),
    },
    { additionalProperties: true },
  );
}
