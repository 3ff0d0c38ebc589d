import { expect } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import type { TestParley } from '../../support/parley.js';

/** Shared by the /admin/v1 webhook endpoint suites. */

export const ALL_TOPICS = [
  'account.order.purchased',
  'item.order.purchased',
  'currency.order.purchased',
  'order.message.created',
  'order.status.updated',
] as const;

export const GENERATED_SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
export const NOT_FOUND = 'Resource not found.';
export const UNAUTHORIZED = 'This action is unauthorized.';
export const INVALID = 'The given data was invalid.';

export const endpointsPath = (userId: number | string) => `/admin/v1/users/${userId}/webhook-endpoints`;
export const endpointPath = (id: number | string) => `/admin/v1/webhook-endpoints/${id}`;

/** The endpoint resource's fields, in the order served; the create and rotate answers add `secret`. */
export const RESOURCE_KEYS = [
  'id', 'user_id', 'url', 'description', 'events', 'disabled', 'disabled_reason', 'previous_secret_expires_at', 'created_at', 'updated_at',
];

export function isNow(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value - Date.now() / 1000) < 5;
}

/** Creates an endpoint for a seller, expecting 201; returns the answered resource (with its secret). */
export async function create(parley: TestParley, userId: number, body: Record<string, unknown> = {}): Promise<any> {
  const res = await parley.admin.post(endpointsPath(userId), { url: 'https://example.com/hooks/parley', events: ['order.message.created'], ...body });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

export function countEndpoints(parley: TestParley): number {
  return parley.readDb((db) => (db.prepare('select count(*) as n from webhook_endpoints').get() as { n: number }).n);
}

/** Exactly `{message, request_id}` with the given status. */
export function expectError(res: ApiResponse, status: number, message: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: { message, request_id: expect.any(String) } });
}

/** Exactly `{message, errors, request_id}` with status 422. */
export function expectValidation(res: ApiResponse, errors: Record<string, string[]>): void {
  expect({ status: res.status, body: res.body }).toEqual({ status: 422, body: { message: INVALID, errors, request_id: expect.any(String) } });
}
