import { Type, type TSchema } from 'typebox';
import { Nullable } from './common.js';

const Strict = { additionalProperties: false } as const;

export const PaginationMeta = Type.Object(
  {
    current_page: Type.Integer(),
    from: Nullable(Type.Integer()),
    last_page: Type.Integer(),
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

/** Query parameters every order list takes; the filters are declared by each list. */
export const PageQuery = {
  page: Type.Optional(Type.String({ description: 'Page number from 1; invalid values mean 1 (Laravel)' })),
  per_page: Type.Optional(Type.String({ description: 'Items per page, 1 to 50, default 15' })),
};
