import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { orderOperations, offerOrdersOperation } from '../../contract/operations/orders.js';
import type { AnyOrderKindApi } from '../../contract/order-kinds/index.js';
import { MessageSchema, toMessageResource } from '../../contract/message.js';
import { completeOrder, replaceOrderCredentials } from '../../domain/order-actions.js';
import { authorizeOrderAccess } from '../../domain/order-access.js';
import { orderThreadVersion, readOrderThread, sendOrderMessage } from '../../domain/order-chat.js';
import type { ItemCurrencyOfferKind, MessageRecord } from '../../domain/ports.js';
import { listOfferOrders } from '../../domain/item-currency-offers.js';
import { getOrder, listOrders, orderListVersion, orderVersion, parseResourceId } from '../../domain/orders.js';
import type { OrderPage } from '../../domain/orders.js';
import { paginate } from '../pagination.js';
import { filtersOf } from '../query-string.js';
import { AnswerCache } from '../answer-cache.js';
import { assertValidRequest } from '../validation.js';

/** Chunks of about this many characters: few writes, and little held beyond the page. */
const STREAM_CHUNK_CHARS = 64 * 1024;

/** The route's own serializer for `schema` (compiled once per route): a body's bytes, built by hand. */
function serializerOf(reply: FastifyReply, schema: unknown): (body: unknown) => string {
  return reply.compileSerializationSchema(schema as Record<string, unknown>) as (body: unknown) => string;
}

/** `{"data":[...],"message":null}` of a thread read page by page, in chunks. */
async function* threadJson(first: MessageRecord[], rest: AsyncIterable<MessageRecord[]>, serialize: (message: unknown) => string): AsyncGenerator<string> {
  let chunk = '{"data":[';
  let separator = '';
  const add = (message: MessageRecord) => {
    chunk += separator + serialize(toMessageResource(message));
    separator = ',';
  };
  for (const message of first) add(message);
  for await (const page of rest) {
    for (const message of page) {
      add(message);
      if (chunk.length >= STREAM_CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  }
  yield `${chunk}],"message":null}`;
}

/**
 * The GameBoost endpoints of one order kind under /v2. The same code serves account, item and
 * currency orders; the kind only supplies its paths, schema and serializer.
 */
export function orderRoutes(api: AnyOrderKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store } = app.parley;
    const ops = orderOperations(api);
    const listPage = (request: FastifyRequest, page: OrderPage) => ({
      data: page.rows.map(api.toResource),
      ...paginate(request, { total: page.total, page: page.page, perPage: page.perPage, count: page.rows.length }),
    });
    const listParams = (query: Record<string, string | undefined>) =>
      ({ page: query.page, per_page: query.per_page, sort: query.sort, filter: filtersOf(query) });

    // The list pages this instance sent last, by the seller's version (src/http/answer-cache.ts).
    const lists = new AnswerCache(2 * 1024 * 1024, 256 * 1024);
    app.get(ops.list.url, { schema: ops.list.schema }, async (request, reply) => {
      // Read before the list: what is kept is never older than the version it is kept under.
      const version = await orderListVersion(store, request.actor, api.kind);
      // The page's links repeat the request's origin and query: all of it is the key.
      const key = version === null ? null : `${request.actor.user.id}\n${request.protocol}://${request.host}${request.url}`;
      const build = async () => {
        return serializerOf(reply, ops.list.schema.response[200])(listPage(request, await listOrders(store, request.actor, api.kind, listParams(request.query))));
      };
      const body = key === null ? await build() : await lists.answer(key, version!, build);
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    });

    if (api.offers) {
      const op = offerOrdersOperation(api, api.offers);
      const offerParam = api.offers.param;
      app.get(op.url, { schema: op.schema }, async (request) => {
        const offerId = parseResourceId(request.params[offerParam]);
        // 404 for an offer that is not the caller's (or names no offer and no order of theirs).
        const kind = api.kind as ItemCurrencyOfferKind;
        return listPage(request, await listOfferOrders(store, request.actor, kind, listParams(request.query), offerId));
      });
    }

    // The orders' answers this instance sent last, by version (src/http/answer-cache.ts).
    const orders = new AnswerCache(2 * 1024 * 1024, 64 * 1024);
    app.get(ops.get.url, { schema: ops.get.schema }, async (request, reply) => {
      const id = parseResourceId(request.params[api.param]);
      // Read before the order: what is kept is never older than the version it is kept under.
      const version = await orderVersion(store, request.actor, api.kind, id);
      const body = await orders.answer(`${id}`, version, async () => {
        return serializerOf(reply, ops.get.schema.response[200])({ data: api.toResource(await getOrder(store, request.actor, api.kind, id)) });
      });
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    });

    // The whole-thread answers this instance sent last (src/http/answer-cache.ts).
    const threads = new AnswerCache(4 * 1024 * 1024, 256 * 1024);
    app.get(ops.listMessages.url, { config: { chat: true }, schema: ops.listMessages.schema }, async (request, reply) => {
      const { after, limit } = request.query;
      const id = parseResourceId(request.params[api.param]);
      // The route's own serializer for each message: the bytes of the one-piece answer.
      const serialize = serializerOf(reply, MessageSchema);
      const whole = after === undefined && limit === undefined;
      // Read before the thread: what is kept is never older than the version it is kept under.
      const version = whole ? await orderThreadVersion(store, request.actor, api.kind, id) : 0;
      const cached = whole ? threads.get(`${id}`, version) : undefined;
      reply.type('application/json; charset=utf-8');
      if (cached !== undefined) return (reply as FastifyReply).send(cached);
      const read = await readOrderThread(store, request.actor, api.kind, id, { after, limit });
      if (!read.rest) {
        const body = `{"data":[${read.first.map((message) => serialize(toMessageResource(message))).join(',')}],"message":null}`;
        return (reply as FastifyReply).send(whole ? threads.set(`${id}`, version, body) : body);
      }
      // A long thread goes out as it is read, a page read only as the socket drains.
      // The stream is not the route's typed body: the schema documents what it writes.
      return (reply as FastifyReply).send(Readable.from(threadJson(read.first, read.rest(), serialize), { objectMode: false }));
    });

    app.post(ops.sendMessage.url, { config: { chat: true }, attachValidation: true, schema: ops.sendMessage.schema }, async (request) => {
      const id = parseResourceId(request.params[api.param]);
      // A valid body needs no separate check: the send re-checks access in its transaction.
      // An invalid one must still answer 404/403 before 422.
      if (request.validationError) {
        await authorizeOrderAccess(store, request.actor, api.kind, id, 'send');
        await assertValidRequest(request);
      }
      const message = await sendOrderMessage(store, request.actor, api.kind, id, request.body.message);
      return { data: toMessageResource(message) };
    });

    if (api.canComplete) {
      app.post(ops.complete.url, { schema: ops.complete.schema }, async (request) => {
        const order = await completeOrder(store, request.actor, api.kind, parseResourceId(request.params[api.param]));
        return { data: api.toResource(order), message: 'Order completed successfully.', action: 'completed' };
      });
    }

    if (api.hasCredentialsEndpoint) {
      app.patch(ops.replaceCredentials.url, { attachValidation: true, schema: ops.replaceCredentials.schema }, async (request) => {
        const id = parseResourceId(request.params[api.param]);
        await authorizeOrderAccess(store, request.actor, api.kind, id, 'credentials');
        await assertValidRequest(request);
        const order = await replaceOrderCredentials(store, request.actor, api.kind, id, request.body.credentials);
        return {
          data: api.toResource(order),
          message: 'Credentials updated successfully.',
          warning: 'The buyer has been notified of the new credentials in the order chat.',
        };
      });
    }
  };
}
