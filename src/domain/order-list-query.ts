import { ListParamsReader, type ListParams } from './list-params.js';
import { ORDER_STATUSES } from './order-status.js';
import type { OrderDateColumn, OrderKind, OrderListQuery, OrderSortColumn } from './ports.js';

/** The list endpoints' query as the client sent it. */
export type OrderListParams = ListParams;

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
  const reader = new ListParamsReader(params);
  const { page, perPage } = reader;
  const f = params.filter;
  const query: OrderListQuery = { kind, sellerId, dateRanges: [], sort: [], offset: reader.offset, limit: perPage };
  query.ids = reader.idList('id');
  // Only the kind's own offer filter: another kind's (filter[item_offer_id] on account orders) is
  // unknown here and ignored, as Laravel ignores filters it does not allow.
  query.offerIds = reader.idList(OFFER_FILTERS[kind]);
  query.buyerIds = reader.idList('buyer_id');
  query.gameIds = reader.idList('game_id');
  query.statuses = reader.enumList('status', ORDER_STATUSES);
  if (f.search !== undefined) query.search = f.search;

  for (const [name, column] of Object.entries(DATE_FILTERS)) {
    const value = f[name];
    if (value === undefined) continue;
    const range = parseDateRange(value);
    if (!range) reader.fail(`filter.${name}`, `The filter.${name} field must be a date (YYYY-MM-DD) or a date range (YYYY-MM-DD,YYYY-MM-DD).`);
    else query.dateRanges.push({ column, ...range });
  }

  query.sort = reader.sort(SORT_KEYS, 'id');
  reader.throwIfInvalid();
  return { ...query, page, perPage };
}
