import { Type, type TSchema } from 'typebox';
import { ORDER_STATUSES } from '../../domain/order-status.js';
import {
  CreateApiKeyBody, CreateUserBody, IssuedKeySchema, UserSchema, WebhookAttemptSchema,
  WebhookEndpointSchema, WebhookEndpointWithSecret, WebhookSecret, WebhookTopics,
} from '../admin.js';
import { errorResponses, IdParam, MAX_ID, Nullable, StringEnum } from '../common.js';
import { OrderEnvelope } from '../order.js';
import { commonCreateFields, type OrderKindApi } from '../order-kinds/order-kind-api.js';
import { Paginated, QueryInteger } from '../pagination.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

/** The operator API (/admin/v1), Parley's own; admin keys only. */
const Strict = { additionalProperties: false } as const;
const admin = ['Admin'];
const webhooks = ['Webhooks'];
const data = <T extends TSchema>(schema: T) => Type.Object({ data: schema }, Strict);

export const adminUserOperations = {
  createUser: operation('POST', '/users', {
    operationId: 'adminCreateUser',
    tags: admin, security: BEARER, summary: 'Create a user (seller, buyer or admin)',
    body: CreateUserBody, consumes: JSON_OR_FORM,
    response: { 201: data(UserSchema), ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
  }),
  createApiKey: operation('POST', '/users/:user/api-keys', {
    operationId: 'adminCreateApiKey',
    tags: admin, security: BEARER, summary: 'Create an API key for a user; the token is returned once',
    params: IdParam('user', 'User id'),
    body: CreateApiKeyBody, consumes: JSON_OR_FORM,
    response: { 201: data(IssuedKeySchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
  }),
  revokeApiKey: operation('DELETE', '/api-keys/:key', {
    operationId: 'adminRevokeApiKey',
    tags: admin, security: BEARER, summary: 'Revoke an API key, effective at once',
    params: IdParam('key', 'API key id'),
    response: { 204: Type.Null({ description: 'Revoked' }), ...errorResponses(401, 403, 404, 429) },
  }),
};

export const RatingBody = Type.Object({
  rating: Type.Number({ minimum: 1, maximum: 5, description: '1 to 5' }),
  labels: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 20, description: 'Default []' }))),
  comment: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'Default ""' }))),
}, { description: "The buyer's rating; null removes it" });

/** Every field optional, at least one given; what a sandbox needs to produce each shape an order can take. */
export const OrderChangesBody = Type.Object({
  status: Type.Optional(StringEnum(ORDER_STATUSES, { description: 'A move along the lifecycle; writes a system message' })),
  rating: Type.Optional(Nullable(RatingBody)),
  is_disputed: Type.Optional(Type.Boolean()),
  dispute_case_id: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_ID }))),
});

/** What a marketplace back end does to orders of one kind: create them, move them through their lifecycle. */
export function adminOrderOperations<P extends string>(api: OrderKindApi<P>) {
  const Kind = api.schemaName;
  return {
    create: operation('POST', `/${api.collection}`, {
      operationId: `adminCreate${Kind}`,
      tags: admin, security: BEARER, summary: `Create an ${api.label}`,
      description: `Creates the order as after a purchase. Prices take numbers or decimal strings (${api.priceField}, price_usd).`,
      body: Type.Object({ ...commonCreateFields(api), ...api.createFields }),
      consumes: JSON_OR_FORM,
      response: { 201: OrderEnvelope(api.schema), ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
    }),
    update: operation('PATCH', `/${api.collection}/:${api.param}`, {
      operationId: `adminUpdate${Kind}`,
      tags: admin, security: BEARER, summary: `Change an ${api.label}: status, rating, dispute flags`,
      description: 'Every field is optional; at least one is required. status: pending -> in_delivery -> delivered; pending, in_delivery or delivered -> refunded; other moves answer 422; a system message records each move in the thread. rating sets or replaces (null removes) the buyer\'s rating; is_disputed and dispute_case_id set the dispute fields. All given fields change together or, on a 422, none.',
      params: IdParam(api.param, `The ID of the ${api.label}`),
      body: OrderChangesBody, consumes: JSON_OR_FORM,
      response: { 200: OrderEnvelope(api.schema), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
    }),
  };
}

const EndpointParams = IdParam('endpoint', 'Webhook endpoint id');

export const adminWebhookOperations = {
  createEndpoint: operation('POST', '/users/:user/webhook-endpoints', {
    operationId: 'adminCreateWebhookEndpoint',
    tags: webhooks, security: BEARER, summary: 'Create a webhook endpoint for a seller; the secret is returned once',
    params: IdParam('user', 'Seller id'),
    body: Type.Object({
      url: Type.String({ maxLength: 2048 }),
      description: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
      events: WebhookTopics,
      secret: Type.Optional(Nullable(WebhookSecret)),
    }),
    consumes: JSON_OR_FORM,
    response: { 201: data(WebhookEndpointWithSecret), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
  }),
  listEndpoints: operation('GET', '/users/:user/webhook-endpoints', {
    operationId: 'adminListWebhookEndpoints',
    tags: webhooks, security: BEARER, summary: "List a seller's webhook endpoints",
    params: IdParam('user', 'Seller id'),
    response: { 200: data(Type.Array(WebhookEndpointSchema)), ...errorResponses(401, 403, 404, 429) },
  }),
  updateEndpoint: operation('PATCH', '/webhook-endpoints/:endpoint', {
    operationId: 'adminUpdateWebhookEndpoint',
    tags: webhooks, security: BEARER, summary: 'Change a webhook endpoint',
    params: EndpointParams,
    body: Type.Object({
      url: Type.Optional(Type.String({ maxLength: 2048 })),
      description: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
      events: Type.Optional(WebhookTopics),
      disabled: Type.Optional(Type.Boolean()),
    }),
    consumes: JSON_OR_FORM,
    response: { 200: data(WebhookEndpointSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
  }),
  deleteEndpoint: operation('DELETE', '/webhook-endpoints/:endpoint', {
    operationId: 'adminDeleteWebhookEndpoint',
    tags: webhooks, security: BEARER, summary: 'Delete a webhook endpoint; pending deliveries to it stop',
    params: EndpointParams,
    response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(401, 403, 404, 429) },
  }),
  rotateSecret: operation('POST', '/webhook-endpoints/:endpoint/rotate-secret', {
    operationId: 'adminRotateWebhookSecret',
    tags: webhooks, security: BEARER, summary: 'Rotate the signing secret; the old one keeps signing during the grace period',
    params: EndpointParams,
    body: Type.Optional(Type.Object({
      secret: Type.Optional(Nullable(WebhookSecret)),
      grace_period_seconds: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 30 * 86400, description: 'Default PARLEY_WEBHOOK_SECRET_GRACE_SECONDS (a day)' }))),
    })),
    consumes: JSON_OR_FORM,
    response: { 200: data(WebhookEndpointWithSecret), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
  }),
  sendTest: operation('POST', '/webhook-endpoints/:endpoint/test', {
    operationId: 'adminSendWebhookTest',
    tags: webhooks, security: BEARER, summary: 'Queue a webhook.test event for this endpoint',
    description: 'Takes no request body; one sent is ignored.',
    params: EndpointParams,
    response: { 202: data(Type.Object({ event_id: Type.String() }, Strict)), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
  }),
  listDeliveries: operation('GET', '/webhook-endpoints/:endpoint/deliveries', {
    operationId: 'adminListWebhookAttempts',
    tags: webhooks, security: BEARER, summary: 'The delivery log: every attempt, newest first',
    params: EndpointParams,
    querystring: Type.Object({
      page: Type.Optional(QueryInteger({ minimum: 1, default: 1, description: 'Page number from 1; invalid values mean 1' })),
      per_page: Type.Optional(QueryInteger({ minimum: 1, maximum: 100, default: 50, description: '1 to 100, default 50; out-of-range values are clamped' })),
    }, { additionalProperties: true }),
    response: { 200: Paginated(WebhookAttemptSchema), ...errorResponses(401, 403, 404, 429) },
  }),
  replayEvent: operation('POST', '/webhook-events/:event/replay', {
    operationId: 'adminReplayWebhookEvent',
    tags: webhooks, security: BEARER, summary: 'Deliver an event again to every endpoint of its seller that takes its topic',
    description: 'Takes no request body; one sent is ignored.',
    params: Type.Object({ event: Type.String({ description: 'Event id, evt_...', examples: ['evt_01JD7X3Q2M4N5P6R7S8T9V0W1X'] }) }),
    response: { 202: data(Type.Object({ event_id: Type.String(), deliveries: Type.Integer() }, Strict)), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
  }),
};
