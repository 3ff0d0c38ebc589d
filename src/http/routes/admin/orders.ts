import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { adminOrderOperations } from '../../../contract/operations/admin.js';
import type { AnyOrderKindApi } from '../../../contract/order-kinds/index.js';
import { commonCreateInput } from '../../../contract/order-kinds/order-kind-api.js';
import { changeOrder, checkNewOrder, checkOrderChanges, createOrder, getOrder, parseResourceId } from '../../../domain/orders.js';
import { assertValidRequest } from '../../validation.js';

/** What a marketplace back end does to orders of one kind: create them, move them through their lifecycle. */
export function adminOrderRoutes(api: AnyOrderKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store, orderSettings } = app.parley;
    const ops = adminOrderOperations(api);

    app.post(ops.create.url, { attachValidation: true, schema: ops.create.schema }, async (request, reply) => {
      await assertValidRequest(request, (fields) =>
        checkNewOrder(store, { ...fields, price: fields[api.priceField] as string | number | undefined, price_field: api.priceField }));
      const order = await createOrder(store, commonCreateInput(api, request.body as Record<string, unknown>), orderSettings);
      return reply.code(201).send({ data: api.toResource(order) });
    });

    app.patch(ops.update.url, { attachValidation: true, schema: ops.update.schema }, async (request) => {
      const id = parseResourceId(request.params[api.param]);
      const order = await getOrder(store, request.actor, api.kind, id);
      // A bad move is reported next to the schema's errors, as Laravel reports every rule at once.
      await assertValidRequest(request, (fields) => checkOrderChanges(order, fields));
      const { status, rating, is_disputed, dispute_case_id } = request.body;
      return { data: api.toResource(await changeOrder(store, api.kind, id, { status, rating, is_disputed, dispute_case_id })) };
    });
  };
}
