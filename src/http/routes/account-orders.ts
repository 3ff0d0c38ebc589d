import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getAccountOrder, listAccountOrders, parseResourceId } from '../../domain/account-orders.js';
import { authorizeOrderChat, listOrderMessages, sendOrderMessage } from '../../domain/order-chat.js';
import { paginate } from '../pagination.js';
import { filtersOf } from '../query-string.js';
import { toAccountOrderResource } from '../resources/account-order-resource.js';
import { toMessageResource } from '../resources/message-resource.js';
import { AccountOrderEnvelope, AccountOrderSchema } from '../schemas/account-order.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { MessageEnvelope, MessageListEnvelope, SendMessageBody } from '../schemas/message.js';
import { PageQuery, Paginated } from '../schemas/pagination.js';
import { assertValidRequest } from '../validation.js';

const tags = ['Account Orders'];
const security = [{ BearerToken: [] }];
const OrderParams = IdParam(
  'accountOrder',
  'The ID of the account order. Can be retrieved from the list of account orders, or from the parent account offer, or from webhooks.',
);

const filter = (description: string) => Type.Optional(Type.String({ description }));
const DATE = 'YYYY-MM-DD or YYYY-MM-DD,YYYY-MM-DD (UTC days, inclusive)';

const ListQuery = Type.Object(
  {
    ...PageQuery,
    sort: Type.Optional(Type.String({ description: 'id, price, delivery_time, created_at, updated_at, sold_at, completed_at; prefix - for descending; comma list' })),
    'filter[search]': filter('Order id or part of the title'),
    'filter[id]': filter('Comma list of order ids'),
    'filter[buyer_id]': filter('Comma list of buyer ids'),
    'filter[status]': filter('pending, in_delivery, delivered or refunded (comma list)'),
    'filter[game_id]': filter('Comma list of game ids'),
    'filter[created_at]': filter(DATE),
    'filter[updated_at]': filter(DATE),
    'filter[sold_at]': filter(DATE),
    'filter[completed_at]': filter(DATE),
    'filter[refunded_at]': filter(DATE),
  },
  { additionalProperties: true },
);

/** The seller-facing account-order endpoints under /v2. */
export const accountOrderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;

  app.get('/account-orders', {
    schema: {
      tags, security, summary: 'List account orders',
      description: "The caller's sales, newest first unless sorted. Admin keys list every order.",
      querystring: ListQuery,
      response: { 200: Paginated(AccountOrderSchema), ...errorResponses(401, 422, 429) },
    },
  }, async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const result = await listAccountOrders(store, request.actor, { page: q.page, per_page: q.per_page, sort: q.sort, filter: filtersOf(q) });
    return {
      data: result.rows.map(toAccountOrderResource),
      ...paginate(request, { total: result.total, page: result.page, perPage: result.perPage, count: result.rows.length }),
    };
  });

  app.get('/account-orders/:accountOrder', {
    schema: {
      tags, security, summary: 'Get an account order',
      params: OrderParams,
      response: { 200: AccountOrderEnvelope, ...errorResponses(401, 403, 404, 429) },
    },
  }, async (request) => {
    const order = await getAccountOrder(store, request.actor, parseResourceId(request.params.accountOrder));
    return { data: toAccountOrderResource(order) };
  });

  app.get('/account-orders/:accountOrder/messages', {
    config: { chat: true },
    schema: {
      tags, security, summary: 'List the messages of an account order',
      description: 'The whole thread, oldest first.',
      params: OrderParams,
      response: { 200: MessageListEnvelope, ...errorResponses(401, 403, 404, 429) },
    },
  }, async (request) => {
    const messages = await listOrderMessages(store, request.actor, 'account', parseResourceId(request.params.accountOrder));
    return { data: messages.map(toMessageResource), message: null };
  });

  app.post('/account-orders/:accountOrder/messages', {
    config: { chat: true },
    attachValidation: true,
    schema: {
      tags, security, summary: 'Send a message to an account order',
      description: 'Send a new chat message to the buyer for this account order. Order must be in processing status (pending or in_delivery).',
      params: OrderParams,
      body: SendMessageBody,
      response: { 200: MessageEnvelope, ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
    },
  }, async (request) => {
    const id = parseResourceId(request.params.accountOrder);
    await authorizeOrderChat(store, request.actor, 'account', id, 'send');
    await assertValidRequest(request);
    const message = await sendOrderMessage(store, request.actor, 'account', id, request.body.message);
    return { data: toMessageResource(message) };
  });
};
