import { Type, type TSchema } from 'typebox';
import { TEST_TOPIC, WEBHOOK_TOPICS } from '../../domain/events.js';
import { errorResponses, IdParam } from '../common.js';
import { ORDER_KIND_APIS } from '../order-kinds/index.js';
import { MessageSchema } from '../message.js';
import { STREAM_TAG, StreamResetEvent, StreamStatusEvent, StreamTokenBody, StreamTokenEnvelope } from '../streams.js';
import { WEBHOOK_PAYLOADS } from '../webhook-events.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

/** Streams take the API key as a Bearer header or a stream token in the query (browsers' EventSource sends no header). */
const STREAM_SECURITY: Record<string, string[]>[] = [{ BearerToken: [] }, { StreamToken: [] }];

const RESUME = 'Every event has an `id`, the deployment\'s event number (commit order, not the message ULID). Send the last one you got as the ' +
  '`Last-Event-ID` header (EventSource does so itself when it reconnects) or `?last_event_id=`: the stream replays what you missed from ' +
  'the store, then continues live, with no gap and no duplicate. When you are too far behind (events older than the log keeps, ' +
  'PARLEY_STREAM_RETENTION_HOURS, or more than PARLEY_STREAM_REPLAY_MAX of them), or do not read fast enough ' +
  '(PARLEY_STREAM_BUFFER_BYTES), the stream sends `reset` and closes: reload, then open it again without Last-Event-ID. ' +
  'A `: heartbeat` comment comes every PARLEY_STREAM_HEARTBEAT_SECONDS (15). At most PARLEY_STREAM_MAX_PER_KEY (10) streams per key ' +
  'and instance are open at once; one more is a 429.';

const StreamQuery = (extra: Record<string, TSchema> = {}) =>
  Type.Object(
    {
      stream_token: Type.Optional(Type.String({ description: 'A token from POST /v2/stream-tokens, instead of the Authorization header' })),
      last_event_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'As the Last-Event-ID header (which wins when both are sent)' })),
      ...extra,
    },
    { additionalProperties: true },
  );

const LastEventIdHeader = Type.Object(
  { 'last-event-id': Type.Optional(Type.String({ description: 'The id of the last event received: replay from the next one' })) },
  { additionalProperties: true },
);

/**
 * A `text/event-stream` response, described for the document (the route writes it itself).
 * OpenAPI 3.1 cannot type the events of a stream: `x-events` names each event's `data` schema.
 */
function eventStream(description: string, events: Record<string, TSchema>): TSchema {
  const schema = { type: 'string', description: 'Server-sent events (text/event-stream), UTF-8; each `data` is one line of JSON', 'x-events': events };
  return Type.Unsafe({ description, content: { 'text/event-stream': { schema } } });
}

export const streamTokenOperation = operation('POST', '/stream-tokens', {
  operationId: 'createStreamToken',
  tags: [STREAM_TAG], security: BEARER, summary: 'Mint a short-lived stream token',
  description: 'For browsers, whose EventSource cannot send an Authorization header: a token that opens the streams of the key\'s user ' +
    '(with order_kind and order_id, only that order\'s stream) for PARLEY_STREAM_TOKEN_SECONDS (60). It authenticates nothing else, ' +
    'and a revoked key\'s tokens stop working. Never put an API key in a URL.',
  body: Type.Optional(StreamTokenBody),
  consumes: JSON_OR_FORM,
  response: { 201: StreamTokenEnvelope, ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
});

const upperFirst = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** `GET /v2/{kind}-orders/{id}/messages/stream` for each kind. */
export const orderStreamOperations = ORDER_KIND_APIS.map((api) =>
  operation('GET', `/${api.collection}/:${api.param}/messages/stream`, {
    operationId: `stream${upperFirst(api.kind)}OrderMessages`,
    tags: [STREAM_TAG], security: STREAM_SECURITY, summary: `Follow an ${api.label}'s thread live`,
    description: `For the order's seller, its buyer or an admin key. Events: \`message\` (data: a Message, as GET .../messages serves it), ` +
      '`status` (data: `{"order_kind", "order_id", "status", "order"}`, the order with credentials null), `reset` (data: `{"reason"}`, then ' +
      `the stream closes). ${RESUME}`,
    params: IdParam(api.param, `The ID of the ${api.label}.`),
    querystring: StreamQuery(),
    headers: LastEventIdHeader,
    response: { 200: eventStream('The order\'s events as they are committed', { message: MessageSchema, status: StreamStatusEvent, reset: StreamResetEvent }), ...errorResponses(401, 403, 404, 422, 429) },
  }));

export const eventsStreamOperation = operation('GET', '/events/stream', {
  operationId: 'streamEvents',
  tags: [STREAM_TAG], security: STREAM_SECURITY, summary: 'Follow every event of your orders live',
  description: 'Every event about the orders the key\'s user sells or buys (admin keys: every order): the event name is the webhook topic ' +
    `(${WEBHOOK_TOPICS.join(', ')}), the data exactly the \`payload\` a webhook delivery of that topic carries (see the webhooks section), ` +
    `so a client may forward it as a webhook. \`?topics=a,b\` narrows the stream to those topics. ${RESUME}`,
  querystring: StreamQuery({
    topics: Type.Optional(Type.String({ description: `A comma list of topics (${WEBHOOK_TOPICS.join(', ')}); default: all` })),
  }),
  headers: LastEventIdHeader,
  response: {
    200: eventStream('Your orders\' events as they are committed', {
      ...Object.fromEntries(WEBHOOK_PAYLOADS.filter((w) => w.topic !== TEST_TOPIC).map((w) => [w.topic, (w.schema as unknown as { properties: { payload: TSchema } }).properties.payload])),
      reset: StreamResetEvent,
    }),
    ...errorResponses(401, 403, 422, 429),
  },
});
