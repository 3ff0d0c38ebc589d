import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { orderEventBodyPatterns, toOrderWebhookDeliveryResource } from '../../../contract/order-deliveries.js';
import { adminOrderDeliveriesOperation } from '../../../contract/operations/order-deliveries.js';
import type { AnyOrderKindApi } from '../../../contract/order-kinds/index.js';
import { listOrderDeliveries } from '../../../domain/order-deliveries.js';
import { parseResourceId } from '../../../domain/orders.js';

/** An order's webhook deliveries, for the console's operator view. */
export function adminOrderDeliveryRoutes(api: AnyOrderKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store } = app.parley;
    const op = adminOrderDeliveriesOperation(api);
    app.get(op.url, { schema: op.schema }, async (request) => {
      const id = parseResourceId(request.params[api.param]);
      const rows = await listOrderDeliveries(store, api.kind, id, orderEventBodyPatterns);
      return { data: rows.map(toOrderWebhookDeliveryResource) };
    });
  };
}
