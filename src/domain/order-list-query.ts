import { ValidationError, type FieldErrors } from './errors.js';
import { ORDER_STATUSES, type OrderStatus } from './order-status.js';
import type { OrderDateColumn, OrderKind, OrderListQuery, OrderSortColumn } from './ports.js';

/** The list endpoints' query as the client sent it: every value a string, brackets already resolved. */
export interface OrderListParams {
  page?: string;
  per_page?: string;
  sort?: string;
  filter: Partial<Record<string, string>>;
}

export const DEFAULT_PER_PAGE = 15;
export const MAX_PER_PAGE = 50;

/** Public filter name -> stored date column (`sold_at` is what the API calls `purchased_at`). */
const DATE_FILTERS: Record<string, OrderDateColumn> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  sold_at: 'purchased_at',
  completed_at: 'completed_at',
  refunded_at: 'refunded_at',
};

export const SORT_KEYS: Record<string, OrderSortColumn> = {
  id: 'id',
  price: 'price_amount',
  delivery_time: 'delivery_time_seconds',
  created_at: 'created_at',
  updated_at: 'updated_at',
  sold_at: 'purchased_at',
  completed_at: 'completed_at',
};

/** Each kind's offer id filter, named after the order's own offer field. */
export const OFFER_FILTERS: Record<OrderKind, string> = {
  account: 'account_offer_id',
  item: 'item_offer_id',
  currency: 'currency_offer_id',
};

const ID_LIST = /^\d{1,15}(,\d{1,15})*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayStart(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  // Reject dates that roll over (2024-02-30 -> March 1st).
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return null;
  return ms / 1000;
}

/** `YYYY-MM-DD` is that whole UTC day; `YYYY-MM-DD,YYYY-MM-DD` spans both days inclusive. */
export function parseDateRange(value: string): { from: number; to: number } | null {
  const parts = value.split(',');
  if (parts.length > 2) return null;
  const from = dayStart(parts[0]!.trim());
  const last = dayStart((parts[1] ?? parts[0]!).trim());
  if (from === null || last === null || last < from) return null;
  return { from, to: last + 86400 };
}

/**
 * Turns the client's strings into a store query, collecting every bad value into one 422
 * that names each field the way Laravel does (`filter.status`, `per_page`, `sort`).
 */
export function parseOrderListParams(params: OrderListParams, kind: OrderKind, sellerId: number | null): OrderListQuery & { page: number; perPage: number } {
  const errors: FieldErrors = {};
  const fail = (field: string, message: string) => {
    (errors[field] ??= []).push(message);
  };

  // Laravel's paginator resolves a missing or invalid page to 1 rather than failing.
  const pageNumber = /^\d{1,9}$/.test(params.page ?? '') ? Number(params.page) : 1;
  const page = pageNumber >= 1 ? pageNumber : 1;

  let perPage = DEFAULT_PER_PAGE;
  if (params.per_page !== undefined) {
    if (!/^-?\d+$/.test(params.per_page)) fail('per_page', 'The per page field must be an integer.');
    else if (Number(params.per_page) < 1 || Number(params.per_page) > MAX_PER_PAGE) {
      fail('per_page', `The per page field must be between 1 and ${MAX_PER_PAGE}.`);
    } else perPage = Number(params.per_page);
  }

  const query: OrderListQuery = { kind, sellerId, dateRanges: [], sort: [], offset: 0, limit: perPage };
  const f = params.filter;

  const idList = (name: string): number[] | undefined => {
    const value = f[name];
    if (value === undefined) return undefined;
    if (!ID_LIST.test(value.replace(/\s+/g, ''))) {
      fail(`filter.${name}`, `The filter.${name} field must be a comma-separated list of integer ids.`);
      return undefined;
    }
    return value.replace(/\s+/g, '').split(',').map(Number);
  };
  query.ids = idList('id');
  // Only the kind's own offer filter: another kind's (filter[item_offer_id] on account orders) is
  // unknown here and ignored, as Laravel ignores filters it does not allow.
  query.offerIds = idList(OFFER_FILTERS[kind]);
  query.buyerIds = idList('buyer_id');
  query.gameIds = idList('game_id');

  if (f.status !== undefined) {
    const statuses = f.status.split(',').map((s) => s.trim());
    if (statuses.some((s) => !(ORDER_STATUSES as readonly string[]).includes(s))) {
      fail('filter.status', `The selected filter.status is invalid. Allowed: ${ORDER_STATUSES.join(', ')}.`);
    } else query.statuses = statuses as OrderStatus[];
  }

  if (f.search !== undefined) query.search = f.search;

  for (const [name, column] of Object.entries(DATE_FILTERS)) {
    const value = f[name];
    if (value === undefined) continue;
    const range = parseDateRange(value);
    if (!range) fail(`filter.${name}`, `The filter.${name} field must be a date (YYYY-MM-DD) or a date range (YYYY-MM-DD,YYYY-MM-DD).`);
    else query.dateRanges.push({ column, ...range });
  }

  if (params.sort !== undefined) {
    // Empty parts are dropped, as Spatie's query builder does: `sort=` means the default order.
    for (const key of params.sort.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const descending = key.startsWith('-');
      const name = descending ? key.slice(1) : key;
      // Own keys only: `sort=__proto__` or `sort=constructor` must not find Object.prototype's.
      const column = Object.hasOwn(SORT_KEYS, name) ? SORT_KEYS[name] : undefined;
      if (!column) {
        fail('sort', `The selected sort is invalid. Allowed: ${Object.keys(SORT_KEYS).join(', ')} (prefix - for descending).`);
        break;
      }
      query.sort.push({ column, direction: descending ? 'desc' : 'asc' });
    }
  }
  // A stable order across pages: id breaks every tie.
  if (!query.sort.some((s) => s.column === 'id')) query.sort.push({ column: 'id', direction: query.sort.length ? 'asc' : 'desc' });

  if (Object.keys(errors).length) throw new ValidationError(errors);
  query.offset = (page - 1) * perPage;
  return { ...query, page, perPage };
}
