import { isDeepStrictEqual } from 'node:util';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { Type, type TSchema } from 'typebox';
import { IssuedKeySchema, UserSchema, WebhookAttemptSchema, WebhookEndpointSchema, WebhookEndpointWithSecret } from './admin.js';
import { ERROR_RESPONSES, ErrorBody, errorExample, MoneySchema, ValidationErrorBody, type ErrorStatus } from './common.js';
import { CatalogueGameSchema, GameItemCollectionSchema, TemplateSchema } from './games.js';
import { DisputeCaseSchema, DisputeCaseWithEventsSchema, DisputeEventSchema } from './disputes.js';
import { MessageSchema, MessageSenderSchema } from './message.js';
import { allOperations, PUBLIC_PREFIX } from './operations/index.js';
import type { Operation } from './operations/operation.js';
import { BuyerSchema, DeliveryTimeSchema, GameSchema, RatingSchema } from './order.js';
import { ORDER_KIND_APIS } from './order-kinds/index.js';
import { OFFER_KIND_APIS } from './item-currency-offers.js';
import { AccountOfferCredentialSchema, AccountOfferSchema, LegacyAccountCredentialsSchema } from './account-offers.js';
import { PaginationLinks, PaginationMeta } from './pagination.js';
import { STREAM_TAG } from './streams.js';
import { MessageCreatedPayload, StatusUpdatedPayload, TestEventPayload, WEBHOOK_PAYLOADS } from './webhook-events.js';

export interface OpenApiServer {
  url: string;
  description?: string;
}

export interface OpenApiOptions {
  version: string;
  /** Where the API is reached; default: Parley on its default port. */
  servers?: OpenApiServer[];
  /** Who answers for this deployment (Parley is self-hosted: the operator's, if any). */
  contact?: { name?: string; url?: string; email?: string };
}

export const DEFAULT_SERVERS: OpenApiServer[] = [{ url: 'http://127.0.0.1:8080', description: 'Parley on its default port' }];

type Json = Record<string, unknown>;

/**
 * Shapes the document names once and references everywhere else. Names follow GameBoost's own
 * document where it has one, so generated clients get the same type names. Where two names
 * could match one inline schema, the first listed wins.
 */
function namedSchemas(): Record<string, TSchema> {
  return {
    ...Object.fromEntries(ORDER_KIND_APIS.map((api) => [api.schemaName, api.schema])),
    ...Object.fromEntries(OFFER_KIND_APIS.map((api) => [api.schemaName, api.schema])),
    AccountOffer: AccountOfferSchema,
    AccountOfferCredential: AccountOfferCredentialSchema,
    LegacyAccountCredentials: LegacyAccountCredentialsSchema,
    DisputeCaseWithEvents: DisputeCaseWithEventsSchema,
    DisputeCase: DisputeCaseSchema,
    DisputeEvent: DisputeEventSchema,
    Message: MessageSchema,
    MessageSender: MessageSenderSchema,
    Money: MoneySchema,
    Game: GameSchema,
    CatalogueGame: CatalogueGameSchema,
    GameItemCollection: GameItemCollectionSchema,
    OfferTemplate: TemplateSchema,
    Buyer: BuyerSchema,
    Rating: RatingSchema,
    DeliveryTime: DeliveryTimeSchema,
    PaginationMeta,
    PaginationLinks,
    ErrorBody,
    ValidationErrorBody,
    User: UserSchema,
    IssuedApiKey: IssuedKeySchema,
    WebhookEndpoint: WebhookEndpointSchema,
    WebhookEndpointWithSecret,
    WebhookAttempt: WebhookAttemptSchema,
    MessageCreatedPayload,
    StatusUpdatedPayload,
    TestEventPayload,
    ...Object.fromEntries(WEBHOOK_PAYLOADS.map((w) => [w.schemaName, w.schema])),
  };
}

/** Every tag an operation may use, with what it groups; an undescribed tag fails the build. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  ...Object.fromEntries(ORDER_KIND_APIS.map((api) => [
    api.tag,
    `GameBoost's ${api.label} endpoints: the seller's sales of this kind, their chat thread and what the seller does to them.`,
  ])),
  'Account Offers': "GameBoost's account offers: the seller's listings of game accounts (legacy: one inline account; new format: a stock of credentials), their actions (list, draft, duplicate) and their credentials stock. Another seller's offer is a 404; writes to one offer are limited per key and offer (5 a minute, 10 an hour).",
  'Item Offers': "GameBoost's item offers: the seller's items for sale by quantity, their status actions (list, draft, archive).",
  'Currency Offers': "GameBoost's currency offers: the seller's in-game currency for sale by the unit, their status actions (list, draft, archive).",
  'Order Disputes': "GameBoost's order disputes: the cases buyers open on the caller's orders (as seller or buyer), their timeline, and the seller's answers (accept, counter, escalate). A case of someone else's order is a 404.",
  'Admin Disputes': "Parley's sandbox side of disputes (/admin/v1): open a case as the order's buyer, reply, accept the seller's counter or escalate as the buyer, and resolve as GameBoost staff.",
  Admin: "Parley's operator API (/admin/v1, admin keys only): users, API keys, games, and orders created and moved through their lifecycle.",
  Games: "GameBoost's games catalogue: every game with its acronym, services and item collections; any key may read it.",
  'Offer templates': "GameBoost's offer templates: per game and service (accounts, items, currencies), sample values of an offer's fields and the rules of the game's own fields; any key may read them.",
  Webhooks: 'Signed webhook endpoints of sellers: managing them (/admin/v1), their delivery log and replays. The events themselves are in the `webhooks` section.',
  Operations: 'Liveness and this document; no key needed.',
  [STREAM_TAG]: "Parley's extension: server-sent event streams of what is committed (an order's thread and status, every event of the key's orders), resumable with Last-Event-ID, and the short-lived tokens that let a browser open them.",
  Sandbox: "Parley's sandbox tools (admin keys, PARLEY_ENV=sandbox only; 404 in production): the test clock and scripted buyers.",
};

const REQUEST_ID_HEADER = 'X-GameBoost-Request-Id';
/** As src/http/rate-limiting.ts spells them (GameBoost's own mixed case for the reset header). */
const RATE_LIMIT_HEADERS = { 'X-RateLimit-Limit': 'RateLimitLimit', 'X-RateLimit-Remaining': 'RateLimitRemaining', 'X-Ratelimit-Reset': 'RateLimitReset' } as const;
const RATE_LIMITED_WHERE = 'Sent by /v2 routes once the key is authenticated (not with a 401, never by /admin/v1), while any rate limit is on; describes the tightest of the key\'s buckets (reads or writes, and chat for message routes).';

const HEADERS: Record<string, Json> = {
  RequestId: {
    description: 'The id of this request, also the `request_id` of error bodies; quote it when reporting a problem.',
    required: true,
    schema: { type: 'string', format: 'uuid' },
    example: '0b4bd6b5-3c4e-4d5f-9f55-2f1a8d2c3e10',
  },
  RateLimitLimit: { description: `Requests allowed per minute. ${RATE_LIMITED_WHERE}`, schema: { type: 'integer', minimum: 1 }, example: 5 },
  RateLimitRemaining: { description: `Requests left in the current minute. ${RATE_LIMITED_WHERE}`, schema: { type: 'integer', minimum: 0 }, example: 4 },
  RateLimitReset: { description: `Unix seconds at which the current window ends. ${RATE_LIMITED_WHERE}`, schema: { type: 'integer' }, example: 1735689660 },
  IdempotentReplayed: {
    description: 'Present (`true`) when this answer is the stored answer of an earlier request with the same Idempotency-Key, replayed: nothing was done again.',
    schema: { type: 'string', enum: ['true'] },
  },
  RetryAfter: { description: 'Seconds to wait before trying again (429: until the next request counts again).', required: true, schema: { type: 'integer', minimum: 1 }, example: 42 },
};

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** The headers a response of `path` carries: the request id always, the rate-limit headers on /v2. */
function responseHeaders(rateLimited: boolean, retryAfter = false): Json {
  return {
    [REQUEST_ID_HEADER]: headerRef('RequestId'),
    ...(rateLimited ? Object.fromEntries(Object.entries(RATE_LIMIT_HEADERS).map(([header, name]) => [header, headerRef(name)])) : {}),
    ...(retryAfter ? { 'Retry-After': headerRef('RetryAfter') } : {}),
  };
}

/**
 * One shared response per error status, with its own example. The rate-limit headers are listed
 * on every status a /v2 route can answer after authentication (that is, all but 401); the
 * shared response also serves /admin/v1, which never sends them, as their descriptions say.
 */
function errorResponseComponents(): Json {
  const out: Json = {};
  for (const [code, error] of Object.entries(ERROR_RESPONSES)) {
    const status = Number(code) as ErrorStatus;
    out[error.name] = {
      description: error.description,
      headers: responseHeaders(status !== 401, status === 429 || status === 503),
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${status === 422 ? 'ValidationErrorBody' : 'ErrorBody'}` },
          example: errorExample(status),
        },
      },
    };
  }
  return out;
}

/** The headers Parley signs each webhook delivery with (docs/webhooks.md). */
const WEBHOOK_HEADER_PARAMETERS: Record<string, Json> = {
  WebhookSignature: {
    name: 'Signature', in: 'header', required: true,
    description: 'Lowercase hex HMAC-SHA256 of the raw body, keyed with the endpoint\'s secret (the whole string, UTF-8).',
    schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
  WebhookGameBoostSignature: {
    name: 'X-GameBoost-Signature', in: 'header', required: true,
    description: 'The same HMAC, comma-separated for each valid secret (two during a rotation, new first).',
    schema: { type: 'string' },
  },
  WebhookEventId: {
    name: 'X-GameBoost-Event-Id', in: 'header', required: true,
    description: 'The event id, the same on every retry and replay: de-duplicate on it.',
    schema: { type: 'string' }, example: 'evt_01JD7X3Q2M4N5P6R7S8T9V0W1X',
  },
  WebhookId: {
    name: 'webhook-id', in: 'header', required: true,
    description: 'Standard Webhooks: the event id again.',
    schema: { type: 'string' }, example: 'evt_01JD7X3Q2M4N5P6R7S8T9V0W1X',
  },
  WebhookGameBoostTimestamp: {
    name: 'X-GameBoost-Timestamp', in: 'header', required: true,
    description: 'Unix seconds of this attempt.',
    schema: { type: 'string', pattern: '^[0-9]+$' }, example: '1735689600',
  },
  WebhookTimestamp: {
    name: 'webhook-timestamp', in: 'header', required: true,
    description: 'Standard Webhooks: Unix seconds of this attempt.',
    schema: { type: 'string', pattern: '^[0-9]+$' }, example: '1735689600',
  },
  WebhookStandardSignature: {
    name: 'webhook-signature', in: 'header', required: true,
    description: 'Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, space-separated per valid secret. The key is the base64 after `whsec_`, or the secret\'s UTF-8 bytes without that prefix.',
    schema: { type: 'string' },
  },
  WebhookUserAgent: {
    name: 'User-Agent', in: 'header', required: true,
    description: 'As GameBoost sends it.',
    schema: { type: 'string', enum: ['GameBoost Server'] },
  },
};

/** Stripe's semantics; docs/api.md "Idempotent writes". */
const IDEMPOTENCY_KEY_PARAMETER: Json = {
  name: 'Idempotency-Key', in: 'header', required: false,
  description: 'Makes a retry safe: the first request\'s status and body are stored with the key (per API key, 24 h) and a retry with the same key and the same request gets them again with `Idempotent-Replayed: true`, changing nothing. The same key with another request: 422; while the first is still running: 409. A 5xx is not stored. 1 to 255 visible ASCII characters (else 400), e.g. a UUID.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  example: '6f1c2a4e-8b0d-4d3a-9e57-2c1b0a9f8e7d',
};

/** `account.order.purchased` -> `onAccountOrderPurchased`. */
function webhookOperationId(topic: string): string {
  return `on${topic.split('.').map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}`;
}

/** The top-level `webhooks` section: one POST per topic, as Parley sends it to a seller's endpoint. */
function webhooksSection(): Json {
  const out: Json = {};
  for (const webhook of WEBHOOK_PAYLOADS) {
    out[webhook.topic] = {
      post: {
        operationId: webhookOperationId(webhook.topic),
        tags: ['Webhooks'],
        summary: webhook.summary,
        description: 'POSTed to every enabled endpoint of the seller that subscribed to this topic, as compact JSON. Verify a signature header before trusting the body.',
        security: [],
        parameters: [
          ...Object.keys(WEBHOOK_HEADER_PARAMETERS).map((name) => ({ $ref: `#/components/parameters/${name}` })),
          { name: 'X-GameBoost-Topic', in: 'header', required: true, description: 'The topic.', schema: { type: 'string', enum: [webhook.topic] } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${webhook.schemaName}` } } } },
        responses: {
          '2XX': { description: 'Any 2xx acknowledges the delivery; the body is ignored.' },
          '410': { description: 'Gone: Parley disables the endpoint and fails the delivery.' },
          default: { description: 'Anything else, or no answer within 10 s, is retried with backoff: 10 attempts over about a day.' },
        },
      },
    };
  }
  return out;
}

const STATUS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

/** Fastify's `/a/:b` as OpenAPI's `/a/{b}`. */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cheap first test before a deep comparison: the same object type with the same property names. */
function shapeKey(node: Json): string | null {
  return isObject(node.properties) ? `${JSON.stringify(node.type)}:${Object.keys(node.properties).sort().join(',')}` : null;
}

/**
 * Replaces every inline schema equal to a named component by a `$ref` to it, outermost first (an
 * AccountOrder becomes one $ref, not an object of $refs). The components are compared as
 * @fastify/swagger emitted them, so both sides went through the same conversion.
 */
function referenceNamedSchemas(document: Json, names: string[]): void {
  const schemas = (document.components as Json).schemas as Record<string, Json>;
  const candidates = new Map<string, { name: string; schema: Json }[]>();
  for (const name of names) {
    const schema = structuredClone(schemas[name]!);
    const key = shapeKey(schema);
    if (key === null) throw new Error(`component ${name} is not an object schema`);
    candidates.set(key, [...(candidates.get(key) ?? []), { name, schema }]);
  }
  const visit = (node: unknown, isComponentRoot = false): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item));
    if (!isObject(node)) return node;
    if (!isComponentRoot) {
      const key = shapeKey(node);
      const match = key === null ? undefined : candidates.get(key)?.find((c) => isDeepStrictEqual(c.schema, node));
      if (match) return { $ref: `#/components/schemas/${match.name}` };
    }
    const out: Json = {};
    // Examples are values, not schemas, whatever they look like.
    for (const [key, value] of Object.entries(node)) out[key] = key === 'example' || key === 'examples' ? value : visit(value);
    return out;
  };
  for (const name of Object.keys(schemas)) schemas[name] = visit(schemas[name], true) as Json;
  document.paths = visit(document.paths);
}

/** The contract's operations by `METHOD /openapi/path`. */
function operationsByRoute(): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const group of allOperations()) {
    for (const op of group.operations) out.set(`${op.method.toLowerCase()} ${openApiPath(group.prefix + op.url)}`, op);
  }
  return out;
}

/** Shared error responses, response headers, optional bodies; fails on what tools would reject. */
function finishOperations(document: Json): void {
  const operations = operationsByRoute();
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    const rateLimited = path.startsWith(`${PUBLIC_PREFIX}/`);
    for (const [method, openApiOperation] of Object.entries(item)) {
      const op = operations.get(`${method} ${path}`);
      if (!op) throw new Error(`${method} ${path} is not an operation of the contract`);
      const id = openApiOperation.operationId as string;
      if (operationIds.has(id)) throw new Error(`operationId ${id} is used twice`);
      operationIds.add(id);

      // Every POST and PATCH takes an Idempotency-Key (src/http/idempotency.ts).
      const keyed = method === 'post' || method === 'patch';
      if (keyed) openApiOperation.parameters = [...((openApiOperation.parameters as Json[] | undefined) ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
      const responses = openApiOperation.responses as Record<string, Json>;
      for (const [status, response] of Object.entries(responses)) {
        const error = ERROR_RESPONSES[Number(status) as ErrorStatus];
        if (error) {
          responses[status] = { $ref: `#/components/responses/${error.name}` };
          continue;
        }
        response.headers = { ...responseHeaders(rateLimited), ...(keyed ? { 'Idempotent-Replayed': headerRef('IdempotentReplayed') } : {}) };
        // What @fastify/swagger writes when the schema has no description.
        if (response.description === 'Default Response') response.description = STATUS_TEXT[status] ?? 'Success';
      }

      const body = openApiOperation.requestBody as { required: boolean; content: Json } | undefined;
      if (body && op.schema.body) {
        // @fastify/swagger marks every body required; an Optional one may be left out.
        body.required = !Type.IsOptional(op.schema.body);
        const declared = op.schema.consumes ?? ['application/json'];
        if (!isDeepStrictEqual(Object.keys(body.content).sort(), [...declared].sort())) throw new Error(`${method} ${path}: the body's media types are not ${declared.join(', ')}`);
      }
    }
  }
}

/**
 * The OpenAPI 3.1 document of every operation in the contract, built without a database or a
 * listening server: the operations go on a throwaway Fastify instance that @fastify/swagger reads,
 * then the shared shapes, error responses and headers become references to `components`.
 */
export async function buildOpenApiDocument(options: OpenApiOptions): Promise<Record<string, unknown>> {
  const schemas = namedSchemas();
  const app = Fastify({ logger: false });
  // Schemas are only read here, never compiled.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley: GameBoost API v2 order chat',
        version: options.version,
        description: 'Wire-compatible with GameBoost API v2. /admin/v1 is Parley\'s own operator API.',
        license: { name: 'MIT', identifier: 'MIT' },
        ...(options.contact ? { contact: options.contact } : {}),
      },
      servers: options.servers ?? DEFAULT_SERVERS,
      components: {
        securitySchemes: {
          BearerToken: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <token>`' },
          StreamToken: { type: 'apiKey', in: 'query', name: 'stream_token', description: 'Stream routes only: a short-lived token from POST /v2/stream-tokens (never an API key in a URL)' },
        },
        schemas: schemas as Record<string, object>,
      },
      tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
    },
  });
  for (const group of allOperations()) {
    await app.register(async (scope) => {
      for (const op of group.operations) {
        const undescribed = op.schema.tags.find((tag) => !(tag in TAG_DESCRIPTIONS));
        if (undescribed) throw new Error(`${op.schema.operationId}: tag ${undescribed} has no description`);
        scope.route({ method: op.method, url: op.url, schema: op.schema, handler: async () => null });
      }
    }, { prefix: group.prefix });
  }
  await app.ready();
  // A copy: swagger caches its object, and the steps below rewrite it.
  const document = structuredClone(app.swagger()) as unknown as Json;
  await app.close();

  finishOperations(document);
  referenceNamedSchemas(document, Object.keys(schemas));
  const components = document.components as Json;
  components.responses = errorResponseComponents();
  components.headers = HEADERS;
  components.parameters = { ...WEBHOOK_HEADER_PARAMETERS, IdempotencyKey: IDEMPOTENCY_KEY_PARAMETER };
  document.webhooks = webhooksSection();
  return document;
}
