import { Type } from 'typebox';
import type { CatalogueGame } from '../domain/ports.js';
import { Nullable } from './common.js';
import { PageQuery, QueryInteger } from './pagination.js';

/**
 * The games catalogue (`/v2/games`) and the offer templates (`/v2/{kind}-offers/templates/{game}`).
 * Offers and orders embed only `{id, name, slug}` (order.ts's GameSchema).
 */
const Strict = { additionalProperties: false } as const;

export const GameItemCollectionSchema = Type.Object(
  {
    name: Type.String({ examples: ['Champions'] }),
    slug: Type.String({ examples: ['champions'] }),
    items_count: Nullable(Type.Integer({ description: 'null when not counted', examples: [171] })),
  },
  { ...Strict, description: 'A catalogue collection of the game (champions, skins, ...)' },
);

export const CatalogueGameSchema = Type.Object(
  {
    id: Type.Integer({ description: 'What offer bodies call game_id', examples: [1] }),
    name: Type.String({ examples: ['League of Legends'] }),
    slug: Type.String({ examples: ['league-of-legends'] }),
    acronym: Nullable(Type.String({ description: 'null when the game has none', examples: ['LoL'] })),
    services: Type.Array(Type.String({ examples: ['accounts'] }), {
      description: 'What the game sells: accounts, items, currencies (these three have offer templates), top-ups, boosting, ...; [] when none',
    }),
    game_item_collections: Type.Array(GameItemCollectionSchema, { description: '[] when none' }),
  },
  { ...Strict, description: 'A game of the catalogue' },
);

export function toCatalogueGameResource(game: CatalogueGame) {
  return {
    id: game.id,
    name: game.name,
    slug: game.slug,
    acronym: game.acronym,
    services: game.services,
    game_item_collections: game.game_item_collections.map((c) => ({ name: c.name, slug: c.slug, items_count: c.items_count })),
  };
}

export const GameListQuery = Type.Object(
  {
    page: PageQuery.page,
    per_page: Type.Optional(QueryInteger({ minimum: 1, maximum: 1000, default: 1000, description: 'Games per page, 1 to 1000, default 1000: one call sees the whole catalogue' })),
    sort: Type.Optional(Type.String({ description: 'name, id or slug; prefix - for descending; comma list. Default: name' })),
    'filter[search]': Type.Optional(Type.String({ description: 'The id, or part of the name, slug or acronym (case-insensitive)' })),
  },
  { additionalProperties: true },
);

export const GameSlugParam = Type.Object({ game: Type.String({ description: 'The game\'s slug', examples: ['league-of-legends'] }) });

/** A rule of one field of a template's `account_data`, `item_data` or `currency_data`. */
export const TemplateFieldRuleSchema = Type.Object(
  {
    condition: Type.String({ minLength: 1, maxLength: 255, description: 'Laravel rules joined by |: required, nullable, string, boolean, integer, numeric, array, min:N, max:N, ...', examples: ['required|integer|min:1'] }),
    values: Type.Optional(Type.Array(Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'] }), { maxItems: 10000, description: 'The allowed values' })),
  },
  { additionalProperties: true },
);

const FieldRules = (description: string) => Type.Optional(Type.Record(Type.String(), TemplateFieldRuleSchema, { description }));

/**
 * An offer template: sample values of every field an offer body takes (a sample starting with
 * "(optional)" marks an optional field) and the rules of the game's own fields. Its other keys
 * are free: they are served as stored.
 */
export const TemplateSchema = Type.Object(
  {
    game: Type.Optional(Type.String({ description: 'The game\'s slug' })),
    account_data: FieldRules('Accounts: the rules of each account_data field ("platforms.*" for the elements of an array)'),
    item_data: FieldRules('Items: the rules of each item_data field'),
    currency_data: FieldRules('Currencies: the rules of each currency_data field'),
  },
  {
    additionalProperties: true,
    description: 'An offer template (spec: game, title, price, login, password, delivery_time, description, image_urls, ...; game_items for accounts; delivery_method_options for currencies)',
    examples: [{
      game: 'league-of-legends', title: 'EUW | Gold IV | 40 champions', price: 24.99, login: 'login', password: 'password',
      is_manual: '(optional) false', delivery_time: { duration: 10, unit: 'minutes' },
      account_data: { server: { condition: 'required|string', values: ['Europe West', 'North America'] }, level: { condition: 'required|integer|min:1' } },
      game_items: { champions: ['Ahri', 'Jinx'], roles: ['Top', 'Mid'] },
    }],
  },
);

export const TemplateEnvelope = Type.Object({ template: TemplateSchema }, Strict);

/** `PUT /admin/v1/games/{game}/templates/{service}`: what `GET .../templates/{game}` answers. */
export const PutTemplateBody = Type.Object({ template: TemplateSchema });

export const TemplateServiceParams = Type.Object({
  game: GameSlugParam.properties.game,
  service: Type.String({ description: 'accounts, items or currencies; any other names no template: 404', examples: ['accounts'] }),
});

/** The catalogue fields an operator gives a new game; all optional (no acronym, empty lists). */
export const CreateGameBody = Type.Object({
  name: Type.String({ maxLength: 255 }),
  slug: Type.String({ maxLength: 255, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Lowercase words joined by dashes' }),
  acronym: Type.Optional(Nullable(Type.String({ maxLength: 32, description: 'Default null' }))),
  services: Type.Optional(Nullable(Type.Array(
    Type.String({ maxLength: 64, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
    { maxItems: 50, description: 'What the game sells (accounts, items, currencies, top-ups, boosting, ...); default []' },
  ))),
  game_item_collections: Type.Optional(Nullable(Type.Array(
    Type.Object({
      name: Type.String({ maxLength: 255 }),
      slug: Type.String({ maxLength: 255, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
      items_count: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 2147483647 }))),
    }),
    { maxItems: 100, description: 'Default []' },
  ))),
});

export const GameEnvelope = Type.Object({ data: CatalogueGameSchema }, Strict);
