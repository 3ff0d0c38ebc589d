import { Type, type Static } from 'typebox';
import type { OrderDeliveryRecord } from '../domain/order-delivery-ports.js';
import type { OrderKind } from '../domain/ports.js';
import { Nullable, StringEnum } from './common.js';

/** A LIKE pattern matching `text` literally (escape character `\`). */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * SQL LIKE patterns (escape `\`) matching the stored body of each event about one order, by topic:
 * formatWebhookEvent writes compact JSON with the keys in a fixed order, the order's id among the
 * first. A dispute event names its case before the order, hence the `%` for the case id (a
 * string value cannot hold the unescaped quotes around the next key).
 */
export function orderEventBodyPatterns(kind: OrderKind, id: number): string[] {
  const dispute = `"orderable_type":"${kind}_order","orderable_id":${id},`;
  return [
    `${literal(`{"event":"${kind}.order.purchased","payload":{"id":${id},`)}%`,
    `${literal(`{"event":"order.status.updated","payload":{"order_kind":"${kind}","order":{"id":${id},`)}%`,
    `${literal(`{"event":"order.message.created","payload":{"order_kind":"${kind}","order_id":${id},`)}%`,
    `${literal('{"event":"order.dispute.created","payload":{"id":')}%${literal(dispute)}%`,
    `${literal('{"event":"order.dispute.updated","payload":{"dispute":{"id":')}%${literal(dispute)}%`,
  ];
}

export const OrderWebhookDeliverySchema = Type.Object(
  {
    id: Type.Integer({ description: 'Delivery id' }),
    event_id: Type.String({ description: 'The event, evt_...; replay it with POST /admin/v1/webhook-events/{event}/replay' }),
    topic: Type.String({ examples: ['order.message.created'] }),
    endpoint_id: Type.Integer(),
    endpoint_url: Type.String(),
    state: StringEnum(['pending', 'succeeded', 'failed'] as const, { description: 'pending until delivered (succeeded) or out of retries (failed)' }),
    attempts: Type.Integer({ description: 'Attempts made so far' }),
    last_status_code: Nullable(Type.Integer({ description: "The latest attempt's HTTP status; null before any, or when no answer came" })),
    last_error: Nullable(Type.String({ description: "Why the latest attempt failed, if it did" })),
    created_at: Type.Integer({ description: 'Unix seconds: when the delivery was queued' }),
    finished_at: Nullable(Type.Integer({ description: 'Unix seconds: when it succeeded or failed for good' })),
    body: Type.Object({ event: Type.String(), payload: Type.Unknown() }, { additionalProperties: false, description: 'The JSON body as delivered and signed' }),
  },
  { additionalProperties: false, description: 'One webhook delivery of an event about the order' },
);

export function toOrderWebhookDeliveryResource(record: OrderDeliveryRecord): Static<typeof OrderWebhookDeliverySchema> {
  return {
    id: record.id,
    event_id: record.event_id,
    topic: record.topic,
    endpoint_id: record.endpoint_id,
    endpoint_url: record.endpoint_url,
    state: record.state as Static<typeof OrderWebhookDeliverySchema>['state'],
    attempts: record.attempts,
    last_status_code: record.last_status_code,
    last_error: record.last_error,
    created_at: record.created_at,
    finished_at: record.finished_at,
    body: JSON.parse(record.body) as { event: string; payload: unknown },
  };
}
