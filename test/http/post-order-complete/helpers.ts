import { expect } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import { kindCase, type OrderKindCase } from '../../support/order-kinds.js';
import type { TestParley } from '../../support/parley.js';

/**
 * Shared by the item/currency order suites (complete, credentials, lists, admin create):
 * kind cases, exact error bodies, rate-limit headers and direct reads of committed rows.
 */

export const ACCOUNT = kindCase('account');
export const ITEM = kindCase('item');
export const CURRENCY = kindCase('currency');
/** The kinds with `POST .../complete`. */
export const COMPLETABLE: readonly OrderKindCase[] = [ITEM, CURRENCY];

export const MESSAGES = {
  unauthenticated: 'Unauthenticated.',
  unauthorized: 'This action is unauthorized.',
  notFound: 'Resource not found.',
  invalid: 'The given data was invalid.',
  tooMany: 'Too many requests.',
  completed: 'Order completed successfully.',
  completeNotProcessing: 'The order must be in processing status (pending or in_delivery) to be completed.',
  chatClosed: 'The order must be in processing status (pending or in_delivery) to perform this action.',
  completedSystemText: 'The seller marked the order as delivered.',
  credentialsUpdated: 'Credentials updated successfully.',
  credentialsWarning: 'The buyer has been notified of the new credentials in the order chat.',
  credentialsRefunded: 'Credentials cannot be changed on a refunded order.',
} as const;

export const SYSTEM_SENDER = { id: 0, username: 'System', is_admin: true };

export const completePath = (kind: OrderKindCase, id: number | string) => `${kind.path}/${id}/complete`;
export const orderPath = (kind: OrderKindCase, id: number | string) => `${kind.path}/${id}`;
export const messagesPath = (kind: OrderKindCase, id: number | string) => `${kind.path}/${id}/messages`;
export const credentialsPath = (id: number | string) => `/v2/account-orders/${id}/credentials`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request id header: present, a UUID. */
export function requestIdOf(res: ApiResponse): string {
  const id = res.headers.get('x-gameboost-request-id');
  expect(id, 'X-GameBoost-Request-Id header').toMatch(UUID);
  return id!;
}

/** An error answer: exactly `{message, request_id}`, the request id matching the header. */
export function expectError(res: ApiResponse, status: number, message: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: { message, request_id: requestIdOf(res) } });
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
}

/** A 422: exactly `{message, errors, request_id}`. */
export function expectValidationError(res: ApiResponse, errors: Record<string, string[]>): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 422,
    body: { message: MESSAGES.invalid, errors, request_id: requestIdOf(res) },
  });
}

/** Unix seconds within a few seconds of now. */
export function isNow(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value - Date.now() / 1000) < 5;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function orderRow(parley: TestParley, id: number): Record<string, unknown> | undefined {
  return parley.readDb((db) => db.prepare('select * from orders where id = ?').get(id) as Record<string, unknown> | undefined);
}

/** Rows of one order's thread, straight from SQLite, oldest first. */
export function threadRows(parley: TestParley, kind: OrderKindCase, orderId: number): Array<Record<string, unknown>> {
  return parley.readDb((db) =>
    db.prepare('select * from messages where order_kind = ? and order_id = ? order by id').all(kind.kind, orderId) as Array<Record<string, unknown>>,
  );
}

export function countRows(parley: TestParley, table: 'orders' | 'messages'): number {
  return parley.readDb((db) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
}

/** Everything a failed request must leave as it was: the order row and its whole thread. */
export function snapshot(parley: TestParley, kind: OrderKindCase, orderId: number) {
  return { row: orderRow(parley, orderId), thread: threadRows(parley, kind, orderId), messages: countRows(parley, 'messages') };
}

/** X-RateLimit-* headers of a bucket on an answered request. */
export function expectLimitHeaders(res: ApiResponse, limit: number, remaining: number): void {
  expect(res.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(res.headers.get('x-ratelimit-remaining')).toBe(String(remaining));
  const reset = res.headers.get('x-ratelimit-reset');
  expect(reset).toMatch(/^\d+$/);
  expect(Number(reset)).toBeGreaterThan(Date.now() / 1000);
  expect(Number(reset)).toBeLessThanOrEqual(nowSeconds() + 61);
}

/** A 429: the exact body, Remaining 0, and a Retry-After in whole seconds within the minute window. */
export function expectTooMany(res: ApiResponse, limit: number): void {
  expectError(res, 429, MESSAGES.tooMany);
  expectLimitHeaders(res, limit, 0);
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
}
