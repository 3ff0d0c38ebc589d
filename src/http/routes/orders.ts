import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { completeOrder, replaceOrderCredentials } from '../../domain/order-actions.js';
import { authorizeOrderAccess } from '../../domain/order-access.js';
import { listOrderMessages } from '../../domain/order-chat.js';
import { getOrder, listOrders, parseResourceId } from '../../domain/orders.js';
import type { OrderPage } from '../../domain/orders.js';
import type { OrderKindApi } from '../order-kinds/index.js';
import { paginate } from '../pagination.js';
import { filtersOf } from '../query-string.js';
import { toMessageResource } from '../resources/message-resource.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { MessageEnvelope, MessageListEnvelope, SendMessageBody } from '../schemas/message.js';
import { OrderActionEnvelope, OrderEnvelope, OrderListQuery } from '../schemas/order.js';
import { Paginated } from '../schemas/pagination.js';
import { assertValidRequest } from '../validation.js';

const security = [{ BearerToken: [] }];

const CredentialsBody = Type.Object({
  credentials: Type.String({ maxLength: 10000, description: 'The new credentials for the buyer. Trimmed; at most 10000 Unicode characters.' }),
});

/**
 * The GameBoost endpoints of one order kind under /v2. The same code serves account, item and
 * currency orders; the kind only supplies its paths, schema and serializer.
 */
export function orderRoutes(api: OrderKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store, chat } = app.parley;
    const tags = [api.tag];
    const base = `/${api.collection}/:${api.param}`;
    const params = IdParam(api.param, `The ID of the ${api.label}.`);
    const idOf = (request: FastifyRequest) => parseResourceId((request.params as Record<string, string>)[api.param]!);
    const Envelope = OrderEnvelope(api.schema);
    const listPage = (request: FastifyRequest, page: OrderPage) => ({
      data: page.rows.map(api.toResource),
      ...paginate(request, { total: page.total, page: page.page, perPage: page.perPage, count: page.rows.length }),
    });
    const listParams = (request: FastifyRequest) => {
      const q = request.query as Record<string, string | undefined>;
      return { page: q.page, per_page: q.per_page, sort: q.sort, filter: filtersOf(q) };
    };

    app.get(`/${api.collection}`, {
      schema: {
        tags, security, summary: `List ${api.label}s`,
        description: "The caller's sales, newest first unless sorted. Admin keys list every seller's.",
        querystring: OrderListQuery,
        response: { 200: Paginated(api.schema), ...errorResponses(401, 422, 429) },
      },
    }, async (request) => listPage(request, await listOrders(store, request.actor, api.kind, listParams(request))));

    if (api.offers) {
      const offerParam = api.offers.param;
      app.get(`/${api.offers.collection}/:${offerParam}/orders`, {
        schema: {
          tags, security, summary: `List the orders of one offer`,
          description: "The caller's orders of this offer, paginated and filtered like the main list.",
          params: IdParam(offerParam, 'The ID of the offer.'),
          querystring: OrderListQuery,
          response: { 200: Paginated(api.schema), ...errorResponses(401, 404, 422, 429) },
        },
      }, async (request) => {
        const offerId = parseResourceId((request.params as Record<string, string>)[offerParam]!);
        return listPage(request, await listOrders(store, request.actor, api.kind, listParams(request), offerId));
      });
    }

    app.get(base, {
      schema: {
        tags, security, summary: `Get an ${api.label}`,
        params,
        response: { 200: Envelope, ...errorResponses(401, 403, 404, 429) },
      },
    }, async (request) => ({ data: api.toResource(await getOrder(store, request.actor, api.kind, idOf(request))) }));

    app.get(`${base}/messages`, {
      config: { chat: true },
      schema: {
        tags, security, summary: `List the messages of an ${api.label}`,
        description: 'The whole thread, oldest first.',
        params,
        response: { 200: MessageListEnvelope, ...errorResponses(401, 403, 404, 429) },
      },
    }, async (request) => {
      const messages = await listOrderMessages(store, request.actor, api.kind, idOf(request));
      return { data: messages.map(toMessageResource), message: null };
    });

    app.post(`${base}/messages`, {
      config: { chat: true },
      attachValidation: true,
      schema: {
        tags, security, summary: `Send a message to an ${api.label}`,
        description: `Send a new chat message to the buyer for this ${api.label}. Order must be in processing status (pending or in_delivery).`,
        params,
        body: SendMessageBody,
        response: { 200: MessageEnvelope, ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
      },
    }, async (request) => {
      const id = idOf(request);
      // A valid body needs no separate check: the send re-checks access in its transaction.
      // An invalid one must still answer 404/403 before 422.
      if (request.validationError) {
        await authorizeOrderAccess(store, request.actor, api.kind, id, 'send');
        await assertValidRequest(request);
      }
      const message = await chat.send(request.actor, api.kind, id, (request.body as { message: string }).message);
      return { data: toMessageResource(message) };
    });

    if (api.canComplete) {
      app.post(`${base}/complete`, {
        schema: {
          tags, security, summary: `Complete an ${api.label}`,
          description: 'Marks a processing order delivered (sets completed_at) and records it in the thread. Seller or admin only.',
          params,
          response: { 200: OrderActionEnvelope(api.schema, 'action'), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
        },
      }, async (request) => {
        const order = await completeOrder(store, request.actor, api.kind, idOf(request));
        return { data: api.toResource(order), message: 'Order completed successfully.', action: 'completed' };
      });
    }

    if (api.hasCredentialsEndpoint) {
      app.patch(`${base}/credentials`, {
        attachValidation: true,
        schema: {
          tags, security, summary: `Update the credentials of an ${api.label}`,
          description: 'Replaces the delivered credentials and tells the buyer in the thread. Seller or admin only; not on refunded orders.',
          params,
          body: CredentialsBody,
          response: { 200: OrderActionEnvelope(api.schema, 'warning'), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
        },
      }, async (request) => {
        const id = idOf(request);
        await authorizeOrderAccess(store, request.actor, api.kind, id, 'credentials');
        await assertValidRequest(request);
        const order = await replaceOrderCredentials(store, request.actor, api.kind, id, (request.body as { credentials: string }).credentials);
        return {
          data: api.toResource(order),
          message: 'Credentials updated successfully.',
          warning: 'The buyer has been notified of the new credentials in the order chat.',
        };
      });
    }
  };
}
