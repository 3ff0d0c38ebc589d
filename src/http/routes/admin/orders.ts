import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { adminOrderOperations } from '../../../contract/operations/admin.js';
import type { AnyOrderKindApi } from '../../../contract/order-kinds/index.js';
import { commonCreateInput } from '../../../contract/order-kinds/order-kind-api.js';
import { changeOrderStatus, checkNewOrder, createOrder, getOrder, parseResourceId } from '../../../domain/orders.js';
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

    app.patch(ops.changeStatus.url, { attachValidation: true, schema: ops.changeStatus.schema }, async (request) => {
      const id = parseResourceId(request.params[api.param]);
      await getOrder(store, request.actor, api.kind, id);
      await assertValidRequest(request);
      return { data: api.toResource(await changeOrderStatus(store, api.kind, id, request.body.status)) };
    });
  };
}
