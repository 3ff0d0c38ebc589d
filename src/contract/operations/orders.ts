import { Type } from 'typebox';
import { errorResponses, IdParam } from '../common.js';
import { MessageEnvelope, MessageListEnvelope, SendMessageBody } from '../message.js';
import { OrderActionEnvelope, OrderEnvelope, OrderListQuery } from '../order.js';
import type { OrderKindApi } from '../order-kinds/order-kind-api.js';
import { Paginated, QueryInteger } from '../pagination.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

export const CredentialsBody = Type.Object({
  credentials: Type.String({ maxLength: 10000, description: 'The new credentials for the buyer. Trimmed; at most 10000 Unicode characters.' }),
});

/** Parley's extension of the thread read; without them the answer is GameBoost's whole thread. */
const ThreadQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ description: 'Parley extension: only the messages after this message id (of this thread), oldest first' })),
    limit: Type.Optional(QueryInteger({ minimum: 1, maximum: 1000, description: 'Parley extension: at most this many messages, 1 to 1000; default: all' })),
  },
  { additionalProperties: true },
);

/** `accountOrders` from `account-orders`: the stem of each kind's operation ids. */
function stem(collection: string): string {
  return collection.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}
const singular = (s: string) => s.replace(/s$/, '');
const upperFirst = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** GameBoost's endpoints of one order kind under /v2. */
export function orderOperations<P extends string>(api: OrderKindApi<P>) {
  const tags = [api.tag];
  const base = `/${api.collection}/:${api.param}`;
  const params = IdParam(api.param, `The ID of the ${api.label}. Can be retrieved from the list of ${api.label}s or from webhooks.`);
  const one = upperFirst(singular(stem(api.collection)));
  const Envelope = OrderEnvelope(api.schema);
  return {
    list: operation('GET', `/${api.collection}`, {
      operationId: `list${upperFirst(stem(api.collection))}`,
      tags, security: BEARER, summary: `List ${api.label}s`,
      description: "The caller's sales, newest first unless sorted. Admin keys list every seller's.",
      querystring: OrderListQuery(api.offerField),
      response: { 200: Paginated(api.schema), ...errorResponses(401, 422, 429) },
    }),
    get: operation('GET', base, {
      operationId: `get${one}`,
      tags, security: BEARER, summary: `Get an ${api.label}`,
      params,
      response: { 200: Envelope, ...errorResponses(401, 403, 404, 429) },
    }),
    listMessages: operation('GET', `${base}/messages`, {
      operationId: `list${one}Messages`,
      tags, security: BEARER, summary: `List the messages of an ${api.label}`,
      description: 'The whole thread, oldest first (GameBoost). A thread longer than 100 messages is sent as it is read, in chunks. ' +
        'Parley extension: `after` (a message id of this thread) answers only the messages after it, `limit` (1 to 1000) at most that many; ' +
        'an `after` that is not a message of this thread, or a bad `limit`, is a 422.',
      params,
      querystring: ThreadQuery,
      response: { 200: MessageListEnvelope, ...errorResponses(401, 403, 404, 422, 429) },
    }),
    sendMessage: operation('POST', `${base}/messages`, {
      operationId: `send${one}Message`,
      tags, security: BEARER, summary: `Send a message to an ${api.label}`,
      description: `Send a new chat message to the buyer for this ${api.label}. Order must be in processing status (pending or in_delivery).`,
      params,
      body: SendMessageBody,
      consumes: JSON_OR_FORM,
      response: { 200: MessageEnvelope, ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
    }),
    complete: operation('POST', `${base}/complete`, {
      operationId: `complete${one}`,
      tags, security: BEARER, summary: `Complete an ${api.label}`,
      description: 'Marks a processing order delivered (sets completed_at) and records it in the thread. Seller or admin only. Takes no request body; one sent is ignored.',
      params,
      response: { 200: OrderActionEnvelope(api.schema, 'action'), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
    }),
    replaceCredentials: operation('PATCH', `${base}/credentials`, {
      operationId: `update${one}Credentials`,
      tags, security: BEARER, summary: `Update the credentials of an ${api.label}`,
      description: 'Replaces the delivered credentials and tells the buyer in the thread. Seller or admin only; not on refunded orders.',
      params,
      body: CredentialsBody,
      consumes: JSON_OR_FORM,
      response: { 200: OrderActionEnvelope(api.schema, 'warning'), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
    }),
  };
}

/** `GET /v2/{item|currency}-offers/{offer}/orders`. */
export function offerOrdersOperation<P extends string>(api: OrderKindApi, offers: { collection: string; param: P }) {
  return operation('GET', `/${offers.collection}/:${offers.param}/orders`, {
    operationId: `list${upperFirst(singular(stem(offers.collection)))}Orders`,
    tags: [api.tag], security: BEARER, summary: 'List the orders of one offer',
    description: "The orders of this offer, paginated and filtered like the main list. 404 for an offer that does not exist or is not the caller's (admin keys: any offer). " +
      "An id no offer has still lists the caller's orders that the admin API created with it as their offer id (admin keys: anyone's), and is a 404 when there are none.",
    params: IdParam(offers.param, 'The ID of the offer.'),
    querystring: OrderListQuery(null),
    response: { 200: Paginated(api.schema), ...errorResponses(401, 404, 422, 429) },
  });
}
