import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { PaginationLinks, PaginationMeta } from '../contract/pagination.js';

/**
 * Laravel's length-aware paginator: `from`/`to` are null on an empty page, `last_page` is at
 * least 1, and on the last page both `to == total` and `current_page == last_page` hold.
 * Links keep the request's other query parameters so that following `next` keeps the filters.
 */
export function paginate(
  request: FastifyRequest,
  page: { total: number; page: number; perPage: number; count: number },
): { meta: Static<typeof PaginationMeta>; links: Static<typeof PaginationLinks> } {
  const lastPage = Math.max(1, Math.ceil(page.total / page.perPage));
  const from = page.count > 0 ? (page.page - 1) * page.perPage + 1 : null;
  const to = from !== null ? from + page.count - 1 : null;

  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  const link = (n: number) => {
    const params = new URLSearchParams(url.search);
    params.set('page', String(n));
    return `${url.origin}${url.pathname}?${params.toString()}`;
  };
  return {
    meta: { current_page: page.page, from, last_page: lastPage, per_page: page.perPage, to, total: page.total },
    links: {
      first: link(1),
      last: link(lastPage),
      prev: page.page > 1 ? link(Math.min(page.page - 1, lastPage)) : null,
      next: page.page < lastPage ? link(page.page + 1) : null,
    },
  };
}
