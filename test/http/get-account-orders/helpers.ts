import { expect } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import type { TestParley } from '../../support/parley.js';

/** Shared by the GET /v2/account-orders and GET /v2/account-orders/{id} test files. */

export const LIST = '/v2/account-orders';

/**
 * A list path. A string is used as the query as is (so a test controls the encoding of brackets);
 * an object is joined with literal keys and percent-encoded values.
 */
export function listPath(query?: string | Record<string, string | number>): string {
  if (query === undefined) return LIST;
  const qs = typeof query === 'string'
    ? query
    : Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
  return qs === '' ? LIST : `${LIST}?${qs}`;
}

export function idsOf(res: ApiResponse): number[] {
  expect(res.status, res.text).toBe(200);
  return (res.body.data as Array<{ id: number }>).map((o) => o.id);
}

export const asc = (ids: number[]) => [...ids].sort((a, b) => a - b);
export const desc = (ids: number[]) => [...ids].sort((a, b) => b - a);

/** `{message, request_id}` and nothing else, the request id matching the header. */
export function expectErrorBody(res: ApiResponse, status: number, message: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const requestId = res.headers.get('x-gameboost-request-id');
  expect(requestId).toBeTruthy();
  expect(res.body).toStrictEqual({ message, request_id: requestId });
}

/** `{message, errors, request_id}` with exactly these fields named. */
export function expectValidationError(res: ApiResponse, errors: Record<string, string[]>): void {
  expect(res.status, res.text).toBe(422);
  const requestId = res.headers.get('x-gameboost-request-id');
  expect(requestId).toBeTruthy();
  expect(res.body).toStrictEqual({ message: 'The given data was invalid.', errors, request_id: requestId });
}

/** Unix seconds of an ISO date-time (UTC). */
export function utc(iso: string): number {
  const ms = Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw new Error(`bad date ${iso}`);
  return ms / 1000;
}

export type OrderTimestampColumn = 'created_at' | 'updated_at' | 'purchased_at' | 'completed_at' | 'refunded_at';

/** Arranges data the admin API cannot: writes timestamps straight into the database. */
export function setOrderTimestamps(parley: TestParley, id: number, columns: Partial<Record<OrderTimestampColumn, number | null>>): void {
  const names = Object.keys(columns) as OrderTimestampColumn[];
  if (names.length === 0) return;
  const changes = parley.writeDb((db) =>
    db.prepare(`update orders set ${names.map((n) => `${n} = @${n}`).join(', ')}, version = version + 1 where id = @id`).run({ ...columns, id }).changes,
  );
  expect(changes).toBe(1);
  // As every write to an order does (src/store/seller-versions.ts): the seller's list changed.
  parley.writeDb((db) => db.prepare(
    'insert into seller_order_versions (kind, seller_id, version) select kind, seller_id, 1 from orders where id = ? ' +
      'on conflict (kind, seller_id) do update set version = seller_order_versions.version + 1',
  ).run(id));
}

/** Writes a raw SQL statement with a separate read-write connection (for arranging data). */
export function writeDb(parley: TestParley, statement: string, ...params: unknown[]): number {
  return parley.writeDb((db) => db.prepare(statement).run(...params).changes);
}

/** The path (with query) of an absolute pagination link, checking it points back at this server. */
export function linkPath(parley: TestParley, link: string): string {
  const url = new URL(link);
  expect(url.origin).toBe(new URL(parley.url).origin);
  expect(url.pathname).toBe(LIST);
  return `${url.pathname}${url.search}`;
}

/** `meta` without `links` and `path` (tested in 200-pagination-links): the counts alone. */
export function metaCounts(meta: Record<string, unknown>): Record<string, unknown> {
  const { links: _links, path: _path, ...counts } = meta;
  return counts;
}

/** The query parameters of an absolute pagination link, decoded. */
export function linkParams(link: string): Record<string, string> {
  return Object.fromEntries(new URL(link).searchParams);
}
