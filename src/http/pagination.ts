import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { PaginationLink, PaginationLinks, PaginationMeta } from '../contract/pagination.js';

type Link = Static<typeof PaginationLink>;

/** Laravel's UrlWindow with its default `onEachSide` of 3. */
const ON_EACH_SIDE = 3;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The page numbers Laravel's UrlWindow shows, with `null` where it elides pages ("..."): every
 * page below 14 pages; otherwise the first 10 and the last 2 near the start, the first 2 and the
 * last 9 near the end, else 1-2, the current page with 3 on each side, and the last 2.
 */
export function pageWindow(current: number, last: number): (number | null)[] {
  if (last < ON_EACH_SIDE * 2 + 8) return range(1, last);
  const window = ON_EACH_SIDE + 4;
  const start = [1, 2];
  const finish = [last - 1, last];
  if (current <= window) return [...range(1, window + ON_EACH_SIDE), null, ...finish];
  if (current > last - window) return [...start, null, ...range(last - (window + ON_EACH_SIDE - 1), last)];
  return [...start, null, ...range(current - ON_EACH_SIDE, current + ON_EACH_SIDE), null, ...finish];
}

/**
 * Laravel's length-aware paginator: `from`/`to` are null on an empty page, `last_page` is at
 * least 1, and on the last page both `to == total` and `current_page == last_page` hold.
 * Links keep the request's other query parameters so that following `next` keeps the filters.
 * `prev` is the page before the requested one even past the last page, as Laravel's is.
 */
export function paginate(
  request: FastifyRequest,
  page: { total: number; page: number; perPage: number; count: number },
): { meta: Static<typeof PaginationMeta>; links: Static<typeof PaginationLinks> } {
  const lastPage = Math.max(1, Math.ceil(page.total / page.perPage));
  const from = page.count > 0 ? (page.page - 1) * page.perPage + 1 : null;
  const to = from !== null ? from + page.count - 1 : null;

  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  const path = `${url.origin}${url.pathname}`;
  const link = (n: number) => {
    const params = new URLSearchParams(url.search);
    params.set('page', String(n));
    return `${path}?${params.toString()}`;
  };
  const prev = page.page > 1 ? link(page.page - 1) : null;
  const next = page.page < lastPage ? link(page.page + 1) : null;
  const links: Link[] = [
    { url: prev, label: '&laquo; Previous', active: false },
    ...pageWindow(page.page, lastPage).map((n): Link =>
      n === null ? { url: null, label: '...', active: false } : { url: link(n), label: String(n), active: n === page.page }),
    { url: next, label: 'Next &raquo;', active: false },
  ];
  return {
    meta: { current_page: page.page, from, last_page: lastPage, links, path, per_page: page.perPage, to, total: page.total },
    links: { first: link(1), last: link(lastPage), prev, next },
  };
}
