import { Type, type Static, type TSchema } from 'typebox';
import type { DomainEvent } from '../domain/events.js';
import { TEST_TOPIC } from '../domain/events.js';
import type { OrderKind, OrderRecord } from '../domain/ports.js';
import { StringEnum } from './common.js';
import { DisputeCaseWithEventsSchema, DisputeUpdatedPayload, toDisputeEvent, toDisputeWithEvents } from './disputes.js';
import { MessageSchema, toMessageResource } from './message.js';
import { ORDER_KIND_APIS } from './order-kinds/index.js';

/** How an event goes on the wire: its topic, whose endpoints get it, and the payload. */
export interface FormattedEvent {
  topic: string;
  userId: number;
  payload: unknown;
  /** Only this endpoint (test events). */
  endpointId?: number;
}
export type EventFormatter = (event: DomainEvent) => FormattedEvent;

/**
 * `format`, once per event: a send's event is formatted by the webhook outbox and by the live
 * streams' log, in the same transaction. Events are never changed once published.
 */
export function formatOnce(format: EventFormatter): EventFormatter {
  const formatted = new WeakMap<DomainEvent, FormattedEvent>();
  return (event) => {
    let result = formatted.get(event);
    if (result === undefined) formatted.set(event, (result = format(event)));
    return result;
  };
}

const payloadJsons = new WeakMap<FormattedEvent, string>();

/** The payload as compact JSON, in the serializers' key order; taken once per formatted event. */
export function payloadJson(formatted: FormattedEvent): string {
  let json = payloadJsons.get(formatted);
  if (json === undefined) payloadJsons.set(formatted, (json = JSON.stringify(formatted.payload)));
  return json;
}

/** A delivery's body: `{"event":topic,"payload":...}`, the bytes that get signed (the bodies' schema below). */
export function webhookBody(formatted: FormattedEvent): string {
  return `{"event":${JSON.stringify(formatted.topic)},"payload":${payloadJson(formatted)}}`;
}

const Strict = { additionalProperties: false } as const;
const OrderKindSchema = StringEnum(['account', 'item', 'currency'] as const, { description: 'Which kind of order the event is about' });
const AnyOrder = Type.Union(ORDER_KIND_APIS.map((api) => api.schema), { description: 'The order as the API serves it, with credentials null' });

/** Every delivery's body: `{"event": topic, "payload": ...}`, compact JSON, keys in this order. */
export function WebhookEnvelope<T extends TSchema>(topic: string, payload: T) {
  return Type.Object({ event: Type.Literal(topic), payload }, Strict);
}

export const MessageCreatedPayload = Type.Object(
  { order_kind: OrderKindSchema, order_id: Type.Integer(), message: MessageSchema },
  { ...Strict, description: 'A message was added to an order thread (Parley extension topic)' },
);
export const StatusUpdatedPayload = Type.Object(
  { order_kind: OrderKindSchema, order: AnyOrder },
  { ...Strict, description: "An order's status changed (Parley extension topic)" },
);
export const TestEventPayload = Type.Object(
  { endpoint_id: Type.Integer(), message: Type.String() },
  { ...Strict, description: 'Sent by POST /admin/v1/webhook-endpoints/{endpoint}/test to that endpoint only' },
);

/** `AccountOrderPurchasedEvent` from `account.order.purchased`: the topic's schema name in the OpenAPI document. */
function eventSchemaName(topic: string): string {
  return `${topic.split('.').map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}Event`;
}

export interface WebhookPayload {
  topic: string;
  summary: string;
  /** The name of the body's schema in the OpenAPI document's components. */
  schemaName: string;
  schema: TSchema;
}

function webhookPayload(topic: string, summary: string, payload: TSchema): WebhookPayload {
  return { topic, summary, schemaName: eventSchemaName(topic), schema: WebhookEnvelope(topic, payload) };
}

/** Each topic's body, for the OpenAPI document's `webhooks` section and for tests. */
export const WEBHOOK_PAYLOADS: WebhookPayload[] = [
  ...ORDER_KIND_APIS.map((api) =>
    webhookPayload(`${api.kind}.order.purchased`, `A buyer purchased one of the seller's offers: the new ${api.label}`, api.schema)),
  webhookPayload('order.dispute.created', 'A buyer opened a dispute on one of the seller\'s orders: the case with its timeline', DisputeCaseWithEventsSchema),
  webhookPayload('order.dispute.updated', 'A dispute case progressed (an action, an expired deadline, a resolution): the case and the event', DisputeUpdatedPayload),
  webhookPayload('order.message.created', 'A message was added to an order thread', MessageCreatedPayload),
  webhookPayload('order.status.updated', "An order's status changed", StatusUpdatedPayload),
  webhookPayload(TEST_TOPIC, 'A test event for one endpoint', TestEventPayload),
];

function apiOf(kind: OrderKind) {
  return ORDER_KIND_APIS.find((a) => a.kind === kind)!;
}

/** The order as the API serves it, minus the credentials: webhook bodies are stored and must not carry secrets. */
function orderPayload(order: OrderRecord): Record<string, unknown> {
  const resource = apiOf(order.kind).toResource(order);
  return 'credentials' in resource ? { ...resource, credentials: null } : resource;
}

/**
 * GameBoost's topics carry the order itself as payload; Parley's extension topics say which
 * kind of order they are about, since one topic serves all three.
 */
export function formatWebhookEvent(event: DomainEvent): FormattedEvent {
  switch (event.type) {
    case 'order.purchased':
      return { topic: `${event.order.kind}.order.purchased`, userId: event.order.seller_id, payload: orderPayload(event.order) };
    case 'order.status.updated':
      return {
        topic: 'order.status.updated',
        userId: event.order.seller_id,
        payload: { order_kind: event.order.kind, order: orderPayload(event.order) },
      };
    case 'order.message.created': {
      const payload: Static<typeof MessageCreatedPayload> = { order_kind: event.order.kind, order_id: event.order.id, message: toMessageResource(event.message) };
      return { topic: 'order.message.created', userId: event.order.seller_id, payload };
    }
    case 'order.dispute.created':
      return { topic: 'order.dispute.created', userId: event.dispute.seller_id, payload: toDisputeWithEvents(event.dispute, event.events, event.at) };
    case 'order.dispute.updated': {
      const payload: Static<typeof DisputeUpdatedPayload> = { dispute: toDisputeWithEvents(event.dispute, event.events, event.at), event: toDisputeEvent(event.event) };
      return { topic: 'order.dispute.updated', userId: event.dispute.seller_id, payload };
    }
    case 'webhook.test': {
      const payload: Static<typeof TestEventPayload> = { endpoint_id: event.endpointId, message: 'This is a test event from Parley.' };
      return { topic: TEST_TOPIC, userId: event.userId, endpointId: event.endpointId, payload };
    }
    case 'webhook.sample':
      return { ...formatWebhookEvent(event.event), userId: event.userId };
  }
}
