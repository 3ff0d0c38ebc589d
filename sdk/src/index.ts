export { Parley, createParley, operationIdOf, type ParleyOptions, type StreamOptions } from './client.js';
export { ORDER_KINDS, orderOperations, type AnyOrder, type Message, type OrderKind } from './orders.js';
export { ParleyConnectionError, ParleyError, type FieldErrors } from './errors.js';
export { OPERATIONS } from './operations.js';
export type { ServerSentEvent } from './sse.js';
export type { RetryPolicy } from './transport.js';
export type { CallArgs, CallOptions, CallParams, CallResult, OperationId, PageItem, PaginatedOperationId } from './types.js';
export { verifyWebhook, WebhookVerificationError, type HeaderBag, type VerifyOptions, type WebhookEvent, type WebhookTopic } from './webhooks.js';
export type { components, operations, paths, webhooks } from './schema.js';
