import type { DisputeCaseRecord, DisputeEventRecord } from './dispute-ports.js';
import type { MessageRecord, OrderKind, OrderRecord } from './ports.js';

/**
 * What happened, as the domain sees it. Each event is written to the outbox in the same
 * transaction as the change that caused it: a committed change always has its event, and an
 * event never describes a change that was rolled back.
 */
export type DomainEvent =
  | { type: 'order.purchased'; order: OrderRecord }
  | { type: 'order.status.updated'; order: OrderRecord }
  | { type: 'order.message.created'; order: { kind: OrderKind; id: number; seller_id: number }; message: MessageRecord }
  | { type: 'webhook.test'; userId: number; endpointId: number }
  /** A sample for the caller's endpoints and event stream (webhook-triggers.ts): `event` formatted as it would be, for `userId`. */
  | { type: 'webhook.sample'; userId: number; event: DomainEvent }
  /** `at`: the clock reading (Unix seconds) the payload's is_active_deadline_expired is judged at. */
  | { type: 'order.dispute.created'; dispute: DisputeCaseRecord; events: DisputeEventRecord[]; at: number }
  | { type: 'order.dispute.updated'; dispute: DisputeCaseRecord; events: DisputeEventRecord[]; event: DisputeEventRecord; at: number };

/** GameBoost's order topics, then Parley's own extensions. */
export const WEBHOOK_TOPICS = [
  'account.order.purchased',
  'item.order.purchased',
  'currency.order.purchased',
  'order.dispute.created',
  'order.dispute.updated',
  'order.message.created',
  'order.status.updated',
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

export const TEST_TOPIC = 'webhook.test';
