import { expect } from 'vitest';
import { ACCOUNT_ORDERS, type OrderKindCase } from '../../support/order-kinds.js';
import type { TestParley } from '../../support/parley.js';
import type { TestUser } from '../../support/fixtures.js';

/** Shared by the dispute suites (/v2/order-disputes and the admin side). */

export const disputePath = (id: number | string) => `/v2/order-disputes/${id}`;
export const actionPath = (id: number | string, action: 'accept' | 'counter' | 'escalate') => `${disputePath(id)}/${action}`;
export const adminOpenPath = (kind: OrderKindCase, orderId: number | string) => `${kind.adminPath}/${orderId}/disputes`;
export const adminActionPath = (id: number | string, action: 'buyer-reply' | 'buyer-accept' | 'buyer-escalate' | 'resolve') =>
  `/admin/v1/order-disputes/${id}/${action}`;

export const OPEN_BODY = {
  reason: 'account_not_as_described',
  explanation: 'The account has no skins, unlike the listing.',
  preferred_resolution: 'refund',
} as const;

/** A reason each order kind takes. */
export const REASON: Record<OrderKindCase['kind'], string> = { account: 'account_not_as_described', item: 'item_not_received', currency: 'wrong_amount' };

/** The case's keys in the order served (spec 8.2). */
export const CASE_KEYS = [
  'id', 'orderable_type', 'orderable_id', 'buyer_id', 'status', 'progress_path', 'reason', 'explanation', 'preferred_resolution',
  'preferred_resolution_note', 'escalation_reason', 'closure_reason', 'outcome', 'seller_response_due_at', 'buyer_response_due_at',
  'active_due_at', 'is_active_deadline_expired', 'seller_response_hours', 'buyer_response_hours', 'locked_at', 'closed_at',
  'created_at', 'updated_at',
];
export const EVENT_KEYS = ['id', 'type', 'actor_id', 'actor_username', 'payload', 'evidence_urls', 'created_at'];

export interface DisputeScenario {
  seller: TestUser;
  buyer: TestUser;
  order: any;
  dispute: any;
}

/** Opens a case through the admin API, expecting 201; answers the case (with events). */
export async function openCase(parley: TestParley, orderId: number, body: Record<string, unknown> = {}, kind: OrderKindCase = ACCOUNT_ORDERS): Promise<any> {
  const res = await parley.admin.post(adminOpenPath(kind, orderId), { ...OPEN_BODY, reason: REASON[kind.kind], ...body });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

/** A seller, a buyer, an order between them and an open case on it. */
export async function disputeScenario(
  parley: TestParley,
  options: { status?: 'pending' | 'in_delivery' | 'delivered'; body?: Record<string, unknown>; kind?: OrderKindCase } = {},
): Promise<DisputeScenario> {
  const kind = options.kind ?? ACCOUNT_ORDERS;
  const { seller, buyer, order } = await parley.fixtures.scenario(options.status ?? 'delivered', {}, kind);
  const dispute = await openCase(parley, order.id, options.body, kind);
  return { seller, buyer, order, dispute };
}

/** A case moved to waiting_for_buyer by a seller's counter. */
export async function counteredScenario(parley: TestParley, counter: Record<string, unknown> = {}, body: Record<string, unknown> = {}): Promise<DisputeScenario> {
  const s = await disputeScenario(parley, { body });
  const res = await parley.api.post(actionPath(s.dispute.id, 'counter'), { message: 'Works for me.', counter_resolution: 'replacement', ...counter }, { token: s.seller.token });
  expect(res.status, res.text).toBe(200);
  return { ...s, dispute: res.body.data };
}

/** Rows of a case, straight from the database. */
export function caseRow(parley: TestParley, id: number): Record<string, unknown> | undefined {
  return parley.readDb((db) => db.prepare('select * from dispute_cases where id = ?').get(id) as Record<string, unknown> | undefined);
}

export function eventRows(parley: TestParley, caseId: number): Array<Record<string, unknown>> {
  return parley.readDb((db) => db.prepare('select * from dispute_events where case_id = ? order by id').all(caseId) as Array<Record<string, unknown>>);
}
