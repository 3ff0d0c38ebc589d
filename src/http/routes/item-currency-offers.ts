import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { toOfferInput, type OfferKindApi } from '../../contract/item-currency-offers.js';
import { adminPurchaseOperation, offerOperations } from '../../contract/operations/item-currency-offers.js';
import { ORDER_KIND_APIS } from '../../contract/order-kinds/index.js';
import {
  applyOfferAction,
  assertMayCreateOffer,
  checkOfferInput,
  createOffer,
  getOffer,
  listOffers,
  purchaseOffer,
  updateOffer,
  type OfferAction,
} from '../../domain/item-currency-offers.js';
import { NotFoundError } from '../../domain/errors.js';
import { parseResourceId } from '../../domain/orders.js';
import { paginate } from '../pagination.js';
import { filtersOf } from '../query-string.js';
import { assertValidRequest } from '../validation.js';

/**
 * GameBoost's per-resource write limit (5 a minute, 10 an hour on one offer, per key): the rate
 * limiter counts writes under the offer's kind and its path id.
 */
function perResource(api: OfferKindApi): { perResource: string } {
  return { perResource: api.collection.replace(/s$/, '') };
}

/** GameBoost's endpoints of one kind of offer under /v2. */
export function offerRoutes(api: OfferKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store, orderSettings } = app.parley;
    const ops = offerOperations(api);
    const idOf = (request: FastifyRequest) => parseResourceId((request.params as Record<string, string>)[api.param]!);

    app.get(ops.list.url, { schema: ops.list.schema }, async (request) => {
      const query = request.query as Record<string, string | undefined>;
      const page = await listOffers(store, request.actor, api.kind, { page: query.page, per_page: query.per_page, sort: query.sort, filter: filtersOf(query) });
      return {
        data: page.rows.map(api.toResource),
        ...paginate(request, { total: page.total, page: page.page, perPage: page.perPage, count: page.rows.length }),
      };
    });

    app.get(ops.get.url, { schema: ops.get.schema }, async (request) =>
      ({ data: api.toResource(await getOffer(store, request.actor, api.kind, idOf(request))) }));

    app.post(ops.create.url, { attachValidation: true, schema: ops.create.schema }, async (request, reply) => {
      // 403 (not a seller) before 422, as authorization runs before the form request's rules.
      assertMayCreateOffer(request.actor);
      await assertValidRequest(request, (fields) => checkOfferInput(store, api.kind, toOfferInput(fields), null, orderSettings));
      const offer = await createOffer(store, request.actor, api.kind, toOfferInput(request.body as Record<string, unknown>), orderSettings);
      return reply.code(201).send({ data: api.toResource(offer) });
    });

    app.patch(ops.update.url, { attachValidation: true, config: perResource(api), schema: ops.update.schema }, async (request) => {
      const id = idOf(request);
      const offer = await getOffer(store, request.actor, api.kind, id);
      await assertValidRequest(request, (fields) => checkOfferInput(store, api.kind, toOfferInput(fields), offer, orderSettings));
      return { data: api.toResource(await updateOffer(store, request.actor, api.kind, id, toOfferInput(request.body as Record<string, unknown>), orderSettings)) };
    });

    const actions: [OfferAction, typeof ops.listForSale][] = [['list', ops.listForSale], ['draft', ops.draft], ['archive', ops.archive]];
    for (const [action, op] of actions) {
      app.post(op.url, { config: perResource(api), schema: op.schema }, async (request) => {
        const { offer, previousStatus, message } = await applyOfferAction(store, request.actor, api.kind, idOf(request), action);
        return { data: api.toResource(offer), message, action, previous_status: previousStatus };
      });
    }
  };
}

/** `POST /admin/v1/{item|currency}-offers/{offer}/purchases`. */
export function adminOfferPurchaseRoutes(api: OfferKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store, orderSettings } = app.parley;
    const orders = ORDER_KIND_APIS.find((o) => o.kind === api.kind)!;
    const op = adminPurchaseOperation(api, orders);
    app.post(op.url, { attachValidation: true, schema: op.schema }, async (request, reply) => {
      const id = parseResourceId((request.params as Record<string, string>)[api.param]!);
      // 404 before 422: the offer first.
      if (request.validationError) {
        if (!(await store.itemCurrencyOffers.findById(api.kind, id))) throw new NotFoundError();
        await assertValidRequest(request);
      }
      const body = request.body as { buyer_id: number; quantity?: number | null };
      const order = await purchaseOffer(store, api.kind, id, { buyer_id: body.buyer_id, quantity: body.quantity }, orderSettings);
      return reply.code(201).send({ data: orders.toResource(order) });
    });
  };
}
