import { Type } from 'typebox';
import { errorResponses, IdParam } from '../common.js';
import { OrderWebhookDeliverySchema } from '../order-deliveries.js';
import type { OrderKindApi } from '../order-kinds/order-kind-api.js';
import { BEARER, operation } from './operation.js';

/** `GET /admin/v1/{kind}-orders/{id}/webhook-deliveries`: what the console shows of an order's webhooks. */
export function adminOrderDeliveriesOperation<P extends string>(api: OrderKindApi<P>) {
  return operation('GET', `/${api.collection}/:${api.param}/webhook-deliveries`, {
    operationId: `adminList${api.schemaName}WebhookDeliveries`,
    tags: ['Webhooks'], security: BEARER, summary: `The webhook deliveries of an ${api.label}`,
    description: "Every delivery of the events about this order (its purchase, status changes, messages and disputes) to the seller's endpoints, " +
      'newest first, at most 100, each with its latest attempt and the body delivered. Events no endpoint took were not stored and do not appear.',
    params: IdParam(api.param, `The ID of the ${api.label}`),
    response: {
      200: Type.Object({ data: Type.Array(OrderWebhookDeliverySchema) }, { additionalProperties: false }),
      ...errorResponses(401, 403, 404, 429),
    },
  });
}
