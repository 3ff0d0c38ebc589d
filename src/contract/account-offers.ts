import { Type, type Static } from 'typebox';
import { ACCOUNT_OFFER_STATUSES, type AccountOfferCredentialRecord, type AccountOfferRecord } from '../domain/ports.js';
import { DELIVERY_TIME_UNITS, deliveryTime } from '../domain/delivery-time.js';
import { money } from '../domain/money.js';
import { MAX_CREDENTIAL_LENGTH } from '../domain/account-offers.js';
import { MAX_ID, MoneySchema, Nullable, StringEnum } from './common.js';
import { DeliveryTimeSchema, GameSchema } from './order.js';
import { PageQuery } from './pagination.js';

/**
 * GameBoost's account offers (spec 3.9) as strict clients parse them (spec 1.4): `parameters`
 * always an object, `dump` a string, `account_order_ids` a list, prices as money objects.
 */
const Strict = { additionalProperties: false } as const;

export const LegacyAccountCredentialsSchema = Type.Object(
  {
    login: Nullable(Type.String()),
    password: Nullable(Type.String()),
    email_login: Nullable(Type.String()),
    email_password: Nullable(Type.String()),
    email_provider: Nullable(Type.String()),
  },
  { ...Strict, description: "A legacy offer's inline account; every field null on a new-format offer (its stock is the credentials sub-resource)" },
);

export const AccountOfferSchema = Type.Object(
  {
    id: Type.Integer(),
    external_id: Nullable(Type.String({ description: "The seller's own reference" })),
    game: GameSchema,
    account_order_ids: Type.Array(Type.Integer(), { description: 'The orders bought from this offer, oldest first' }),
    title: Type.String(),
    slug: Type.String(),
    description: Type.String(),
    parameters: Type.Record(Type.String(), Type.Unknown(), { type: 'object', description: 'The account_data given; {} when none' }),
    dump: Type.String({ description: '"" when none' }),
    status: StringEnum(ACCOUNT_OFFER_STATUSES),
    delivery_time: DeliveryTimeSchema,
    is_manual_delivery: Type.Boolean(),
    credentials: LegacyAccountCredentialsSchema,
    delivery_instructions: Nullable(Type.String()),
    price: MoneySchema,
    price_usd: MoneySchema,
    views: Type.Integer(),
    image_urls: Type.Array(Type.String()),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
    listed_at: Nullable(Type.Integer()),
  },
  { ...Strict, description: 'An account offer: one account for sale (legacy) or a stock of accounts (new format)' },
);

export const AccountOfferCredentialSchema = Type.Object(
  {
    id: Type.Integer(),
    credentials: Type.String({ description: 'One sellable account as free text (encrypted at rest)' }),
    account_offer_id: Type.Integer(),
    account_order_id: Nullable(Type.Integer({ description: 'The order it was sold with' })),
    is_sold: Type.Boolean(),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
  },
  { ...Strict, description: "One unit of a new-format account offer's stock" },
);

export function toAccountOfferResource(offer: AccountOfferRecord): Static<typeof AccountOfferSchema> {
  const c = offer.credentials;
  return {
    id: offer.id,
    external_id: offer.external_id,
    game: offer.game,
    account_order_ids: offer.account_order_ids,
    title: offer.title,
    slug: offer.slug,
    description: offer.description,
    parameters: offer.parameters,
    dump: offer.dump,
    status: offer.status,
    delivery_time: deliveryTime(offer.delivery_time_duration, offer.delivery_time_unit),
    is_manual_delivery: offer.is_manual_delivery,
    credentials: {
      login: c?.login ?? null,
      password: c?.password ?? null,
      email_login: c?.email_login ?? null,
      email_password: c?.email_password ?? null,
      email_provider: c?.email_provider ?? null,
    },
    delivery_instructions: offer.delivery_instructions,
    price: money(offer.price_amount, 'EUR'),
    price_usd: money(offer.price_usd_amount, 'USD'),
    views: offer.views,
    image_urls: offer.image_urls,
    created_at: offer.created_at,
    updated_at: offer.updated_at,
    listed_at: offer.listed_at,
  };
}

export function toAccountOfferCredentialResource(c: AccountOfferCredentialRecord): Static<typeof AccountOfferCredentialSchema> {
  return {
    id: c.id,
    credentials: c.credentials,
    account_offer_id: c.account_offer_id,
    account_order_id: c.account_order_id,
    is_sold: c.is_sold,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

/** `{data, message, action, previous_status}` of list, draft and duplicate. */
export const AccountOfferActionEnvelope = Type.Object(
  {
    data: AccountOfferSchema,
    message: Type.String(),
    action: StringEnum(['list', 'draft', 'duplicate'] as const),
    previous_status: Nullable(StringEnum(ACCOUNT_OFFER_STATUSES, { description: 'null for duplicate (data is the new offer)' })),
  },
  Strict,
);

export const AddedCredentialsEnvelope = Type.Object(
  {
    message: Type.String({ examples: ['2 credentials added successfully.'] }),
    created_count: Type.Integer(),
    duplicate_count: Type.Integer({ description: 'Credentials skipped: already in this offer (sold ones included) or repeated in the request' }),
    data: Type.Array(AccountOfferCredentialSchema, { description: 'The credentials created' }),
  },
  Strict,
);

export const BulkDeletedEnvelope = Type.Object(
  { message: Type.String({ examples: ['2 credentials deleted successfully.'] }), deleted_count: Type.Integer() },
  Strict,
);

const Price = Type.Unsafe<number | string>({
  type: ['number', 'string'],
  description: 'EUR, a number or a numeric string ("12.500000"); at least 0.99, at most 2 decimal places once trailing zeros are dropped',
});
const Boolish = Type.Unsafe<boolean | number | string | null>({
  type: ['boolean', 'integer', 'string', 'null'],
  description: "Laravel's boolean: true, false, 1, 0, \"1\" or \"0\"",
});
const Text = (maxLength: number, description?: string) => Type.Optional(Nullable(Type.String({ maxLength, ...(description ? { description } : {}) })));

/** The fields every create and the PATCH share; the schema rules, the domain the rest. */
const offerFields = {
  game_id: Type.Optional(Nullable(Type.Integer({ maximum: MAX_ID, description: 'The game; or `game` (its slug)' }))),
  game: Text(255, "The game's slug, when game_id is not given"),
  title: Type.String({ maxLength: 255 }),
  slug: Text(255, 'Default: from the title (lowercase words joined by dashes)'),
  description: Type.String({ maxLength: 2048 }),
  price: Price,
  external_id: Text(255),
  dump: Text(10000, 'Searchable keywords; default ""'),
  private_note: Text(2048, 'Seller-only; stored, not served'),
  is_manual: Type.Optional(Boolish),
  delivery_time: Type.Optional(Nullable(Type.Object({
    duration: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    unit: Type.Optional(StringEnum(DELIVERY_TIME_UNITS)),
  }, { description: 'Required when is_manual is true; ignored otherwise (instant)' }))),
  delivery_instructions: Text(2048),
  image_urls: Type.Optional(Nullable(Type.Array(Type.String({ format: 'uri', maxLength: 2048 }), { maxItems: 20, description: 'Default []' }))),
  account_data: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown(), { type: 'object', description: 'Served as parameters' }))),
  game_items: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown(), { type: 'object', description: 'Stored, not served' }))),
};

const legacyCredentialFields = {
  login: Text(255, 'Required unless is_manual'),
  password: Text(255, 'Required unless is_manual'),
  email_login: Text(255),
  email_password: Text(255),
  email_provider: Text(255, 'The mail domain, e.g. gmail.com (`mail_provider` is accepted too)'),
  mail_provider: Text(255, 'Alias of email_provider'),
};

export const CreateLegacyAccountOfferBody = Type.Object({ ...offerFields, ...legacyCredentialFields });

export const CreateAccountOfferBody = Type.Object({
  ...offerFields,
  credentials: Type.Optional(Nullable(Type.Array(
    Type.String({ maxLength: MAX_CREDENTIAL_LENGTH }),
    { description: 'Required, at least one: each string is one sellable account; repeats are skipped' },
  ))),
});

export const UpdateAccountOfferBody = Type.Object(
  { ...Type.Partial(Type.Object(offerFields)).properties, ...legacyCredentialFields },
  { description: 'Every field optional; only what is sent changes. login, password and the email fields: legacy offers only' },
);

export const CredentialsListBody = Type.Object({
  credentials: Type.Array(Type.String({ maxLength: MAX_CREDENTIAL_LENGTH }), { minItems: 1, description: 'At least one; each at most 500 characters' }),
});

export const CredentialBody = Type.Object({
  credentials: Type.String({ maxLength: MAX_CREDENTIAL_LENGTH, description: 'At most 500 characters' }),
});

export const BulkDeleteCredentialsBody = Type.Object({
  credentials_ids: Type.Array(Type.Integer({ minimum: 1, maximum: MAX_ID }), { minItems: 1, maxItems: 1000 }),
});

export const PurchaseBody = Type.Object({
  buyer_id: Type.Integer({ maximum: MAX_ID, description: 'A user with role buyer' }),
});

const filter = (description: string) => Type.Optional(Type.String({ description }));

export const AccountOfferListQuery = Type.Object(
  {
    ...PageQuery,
    sort: Type.Optional(Type.String({ description: 'id, price, views, delivery_time, created_at, updated_at, listed_at; prefix - for descending; comma list; default -id' })),
    'filter[search]': filter('Offer id, or part of the title or description (case-insensitive)'),
    'filter[id]': filter('Comma list of offer ids'),
    'filter[status]': filter(`${ACCOUNT_OFFER_STATUSES.join(', ')} (comma list)`),
    'filter[game_id]': filter('Comma list of game ids (or filter[game_id][0]=2&filter[game_id][1]=5)'),
  },
  { additionalProperties: true },
);

export const CredentialListQuery = Type.Object(
  {
    ...PageQuery,
    'filter[id]': filter('Comma list of credential ids'),
    'filter[is_sold]': filter('Parley extension: true or false (1 or 0)'),
  },
  { additionalProperties: true },
);
