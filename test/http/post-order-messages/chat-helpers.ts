import { expect } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import type { OrderKindCase } from '../../support/order-kinds.js';
import type { TestParley } from '../../support/parley.js';

/** Shared by the POST and GET message tests, which run every case for each kind in ORDER_KIND_CASES. */

/** The chat of one order of the given kind: `/v2/<kind>-orders/{id}/messages`. */
export const messagesPath = (kind: OrderKindCase, orderId: number | string) => `${kind.path}/${orderId}/messages`;

/** Crockford base32, 26 characters, the first 10 encoding the creation time in ms. */
export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const MESSAGES = {
  unauthenticated: 'Unauthenticated.',
  unauthorized: 'This action is unauthorized.',
  notProcessing: 'The order must be in processing status (pending or in_delivery) to perform this action.',
  notFound: 'Resource not found.',
  invalid: 'The given data was invalid.',
  required: 'The message field is required.',
  notString: 'The message field must be a string.',
  tooLong: 'The message field must not be greater than 10000 characters.',
  badJson: 'The request body is not valid JSON.',
  tooLarge: 'The request body is too large; the limit is 1 MiB.',
  unsupportedType: 'Unsupported Content-Type: send application/json.',
  tooMany: 'Too many requests.',
} as const;

/** The request id header is present, a UUID, and (for errors) repeated in the body. */
export function requestIdOf(res: ApiResponse): string {
  const id = res.headers.get('x-gameboost-request-id');
  expect(id, 'X-GameBoost-Request-Id header').toMatch(UUID);
  return id!;
}

/** An error answer: exactly `{message, request_id}` with the header's request id. */
export function expectError(res: ApiResponse, status: number, message: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: { message, request_id: requestIdOf(res) } });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
}

/** A 422: exactly `{message, errors, request_id}`. */
export function expectValidationError(res: ApiResponse, errors: Record<string, string[]>): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 422,
    body: { message: MESSAGES.invalid, errors, request_id: requestIdOf(res) },
  });
}

/** Rows of one order's thread (this kind, this id), straight from SQLite. */
export function storedMessages(parley: TestParley, kind: OrderKindCase, orderId: number): Array<Record<string, unknown>> {
  return parley.readDb((db) =>
    db.prepare('select * from messages where order_kind = ? and order_id = ? order by id').all(kind.kind, orderId) as Array<Record<string, unknown>>,
  );
}

/** Rows of every kind stored under this numeric id: a thread must never leak into another kind's. */
export function storedMessagesAnyKind(parley: TestParley, orderId: number): Array<Record<string, unknown>> {
  return parley.readDb((db) => db.prepare('select * from messages where order_id = ? order by id').all(orderId) as Array<Record<string, unknown>>);
}

export function totalMessages(parley: TestParley): number {
  return parley.readDb((db) => (db.prepare('select count(*) as n from messages').get() as { n: number }).n);
}

/** The user behind PARLEY_ADMIN_TOKEN. */
export function adminUserId(parley: TestParley): number {
  return parley.readDb((db) => (db.prepare("select id from users where username = 'admin'").get() as { id: number }).id);
}

/** Milliseconds since the epoch encoded in a ULID's first 10 characters. */
export function ulidTime(id: string): number {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let ms = 0;
  for (const ch of id.slice(0, 10)) ms = ms * 32 + alphabet.indexOf(ch);
  return ms;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A form body, as `curl -d` sends it. */
export function formOptions(token: string, body: string) {
  return { token, raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

/** A body sent as is with the given content type. */
export function rawOptions(token: string | null, body: string | Uint8Array, contentType: string) {
  return { token, raw: body, headers: { 'content-type': contentType } };
}

/** X-RateLimit-* headers of the chat bucket on an answered request. */
export function expectLimitHeaders(res: ApiResponse, limit: number, remaining: number): void {
  expect(res.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(res.headers.get('x-ratelimit-remaining')).toBe(String(remaining));
  const reset = res.headers.get('x-ratelimit-reset');
  expect(reset).toMatch(/^\d+$/);
  expect(Number(reset)).toBeGreaterThan(nowSeconds());
  expect(Number(reset)).toBeLessThanOrEqual(nowSeconds() + 61);
}

/**
 * A 429: the exact body, the limit headers with Remaining 0, and a Retry-After in whole seconds
 * that points at the Reset time. Its upper bound (60) is checked by a test of its own.
 */
export function expectTooMany(res: ApiResponse, limit: number): void {
  expectError(res, 429, MESSAGES.tooMany);
  expectLimitHeaders(res, limit, 0);
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  const untilReset = Number(res.headers.get('x-ratelimit-reset')) - nowSeconds();
  expect(Math.abs(Number(retryAfter) - untilReset)).toBeLessThanOrEqual(1);
}
