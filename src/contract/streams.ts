import { Type, type Static } from 'typebox';
import type { LoggedEvent } from '../domain/event-log.js';
import { StringEnum } from './common.js';
import { ORDER_KIND_APIS } from './order-kinds/index.js';

/**
 * Parley's live streams (server-sent events): the wire of each event. Events carry the log's
 * number as `id`; `data` is one line of compact JSON.
 */
export const STREAM_TAG = 'Live streams (Parley extension)';

const Strict = { additionalProperties: false } as const;
const OrderKindSchema = StringEnum(['account', 'item', 'currency'] as const, { description: 'Which kind of order' });

export const StreamTokenBody = Type.Object(
  {
    order_kind: Type.Optional(StringEnum(['account', 'item', 'currency'] as const, { description: 'With order_id: the token opens only this order\'s stream' })),
    order_id: Type.Optional(Type.Integer({ minimum: 1, description: 'With order_kind: the token opens only this order\'s stream' })),
  },
  { description: 'Empty (`{}`): a token for every stream the key may open.' },
);

export const StreamTokenSchema = Type.Object(
  {
    token: Type.String({ description: 'Pass as `?stream_token=` to a stream route; opens only streams of the same user, until expires_at' }),
    expires_at: Type.String({ format: 'date-time', description: 'ISO 8601, UTC' }),
  },
  Strict,
);
export const StreamTokenEnvelope = Type.Object({ data: StreamTokenSchema }, Strict);

export const StreamStatusEvent = Type.Object(
  {
    order_kind: OrderKindSchema,
    order_id: Type.Integer(),
    status: Type.String({ description: 'The new status' }),
    order: Type.Union(ORDER_KIND_APIS.map((api) => api.schema), { description: 'The order as the API serves it, with credentials null' }),
  },
  { ...Strict, description: 'The `data` of a `status` event on an order\'s stream' },
);

export const RESET_REASONS = ['too_far_behind', 'unknown_event_id', 'slow_consumer', 'shutting_down'] as const;
export type ResetReason = (typeof RESET_REASONS)[number];
export const StreamResetEvent = Type.Object(
  { reason: StringEnum(RESET_REASONS, { description: 'too_far_behind: Last-Event-ID is older than the log keeps or than a replay may send; unknown_event_id: no such event was ever numbered here; slow_consumer: the client did not read fast enough; shutting_down: the server stops' }) },
  { ...Strict, description: 'The `data` of a `reset` event: reload what you show (the REST API), then open the stream again without Last-Event-ID. The stream closes after it.' },
);

const MESSAGE_KEY = '"message":';

/** One server-sent event, ready to write: `event`, `id`, one `data` line. */
export function sseFrame(event: string, id: number | null, data: string): string {
  return `event: ${event}\n${id === null ? '' : `id: ${id}\n`}data: ${data}\n\n`;
}

export const HEARTBEAT_FRAME = ': heartbeat\n\n';

export function resetFrame(reason: ResetReason): string {
  const data: Static<typeof StreamResetEvent> = { reason };
  return sseFrame('reset', null, JSON.stringify(data));
}

/**
 * The events stream's frame: the webhook topic as event name, the webhook payload as data
 * (stored as the webhook serializer wrote it: byte for byte what a delivery's `payload` is).
 */
export function eventsStreamFrame(event: LoggedEvent): string {
  return sseFrame(event.topic, event.seq, event.payload);
}

/**
 * An order stream's frame: `message` with the Message as the REST API serves it, `status` with
 * the order; null for topics the order stream does not carry (purchases, disputes).
 * The payloads were written by formatWebhookEvent: keys in the serializers' order.
 */
export function orderStreamFrame(event: LoggedEvent): string | null {
  if (event.topic === 'order.message.created') {
    // `{"order_kind":...,"order_id":...,"message":{...}}` (MessageCreatedPayload, keys in that
    // order): the Message's bytes are the rest after the first `"message":`, no parse needed.
    const start = event.payload.indexOf(MESSAGE_KEY);
    return sseFrame('message', event.seq, event.payload.slice(start + MESSAGE_KEY.length, -1));
  }
  if (event.topic === 'order.status.updated') {
    const payload = JSON.parse(event.payload) as { order_kind: string; order: { id: number; status: string } };
    const data = { order_kind: payload.order_kind, order_id: payload.order.id, status: payload.order.status, order: payload.order };
    return sseFrame('status', event.seq, JSON.stringify(data));
  }
  return null;
}

