import { Type, type TSchema } from 'typebox';
import { Nullable } from './common.js';

const Strict = { additionalProperties: false } as const;

/** One entry of Laravel's `meta.links`: "&laquo; Previous", the page numbers ("..." between gaps), "Next &raquo;". */
export const PaginationLink = Type.Object(
  {
    url: Nullable(Type.String({ description: 'null for "..." and for Previous/Next at the ends' })),
    label: Type.String({ examples: ['&laquo; Previous', '1', '...', 'Next &raquo;'] }),
    active: Type.Boolean({ description: 'true on the current page only' }),
  },
  Strict,
);

/** Keys in the order Laravel's paginator writes them. */
export const PaginationMeta = Type.Object(
  {
    current_page: Type.Integer(),
    from: Nullable(Type.Integer()),
    last_page: Type.Integer(),
    links: Type.Array(PaginationLink, { description: "Laravel's linkCollection: Previous, the page window, Next" }),
    path: Type.String({ description: 'The list URL without its query', examples: ['https://api.gameboost.com/v2/account-orders'] }),
    per_page: Type.Integer(),
    to: Nullable(Type.Integer()),
    total: Type.Integer(),
  },
  Strict,
);

export const PaginationLinks = Type.Object(
  { first: Type.String(), last: Type.String(), prev: Nullable(Type.String()), next: Nullable(Type.String()) },
  Strict,
);

/** Laravel's length-aware paginator as GameBoost serves it. */
export function Paginated<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), meta: PaginationMeta, links: PaginationLinks }, Strict);
}

/**
 * A query parameter documented as an integer that reaches the handler as the client's string:
 * the querystring validator leaves `type: integer` parameters to the handler (src/http/validation.ts),
 * which reads them as Laravel does (a bad page is page 1, a bad per_page a 422 of its own wording).
 */
export function QueryInteger(options: { minimum?: number; maximum?: number; default?: number; description: string }) {
  return Type.Unsafe<string>({ type: 'integer', ...options });
}

/** Query parameters every order list takes; the filters are declared by each list. */
export const PageQuery = {
  page: Type.Optional(QueryInteger({ minimum: 1, default: 1, description: 'Page number from 1; a missing or invalid value means 1 (Laravel)' })),
  per_page: Type.Optional(QueryInteger({ minimum: 1, maximum: 50, default: 15, description: 'Items per page, 1 to 50, default 15' })),
};
