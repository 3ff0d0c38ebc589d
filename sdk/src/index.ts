export { Parley, createParley, operationIdOf, type OrderKind, type ParleyOptions, type StreamOptions } from './client.js';
export { ParleyConnectionError, ParleyError, type FieldErrors } from './errors.js';
export { OPERATIONS } from './operations.js';
export type { ServerSentEvent } from './sse.js';
export type { RetryPolicy } from './transport.js';
export type { CallArgs, CallOptions, CallParams, CallResult, OperationId, PageItem, PaginatedOperationId } from './types.js';
export { verifyWebhook, WebhookVerificationError, type HeaderBag, type VerifyOptions, type WebhookEvent, type WebhookTopic } from './webhooks.js';
export type { components, operations, paths, webhooks } from './schema.js';
