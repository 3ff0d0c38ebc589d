import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ORDER_STATUSES } from '../../../domain/order-status.js';
import { changeOrderStatus, checkNewOrder, createOrder, getOrder, parseResourceId } from '../../../domain/orders.js';
import { commonCreateFields, commonCreateInput } from '../../order-kinds/order-kind-api.js';
import type { OrderKindApi } from '../../order-kinds/index.js';
import { errorResponses, IdParam, StringEnum } from '../../schemas/common.js';
import { OrderEnvelope } from '../../schemas/order.js';
import { assertValidRequest } from '../../validation.js';

const tags = ['Admin'];
const security = [{ BearerToken: [] }];
const StatusBody = Type.Object({ status: StringEnum(ORDER_STATUSES) });

/** What a marketplace back end does to orders of one kind: create them, move them through their lifecycle. */
export function adminOrderRoutes(api: OrderKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store, orderSettings } = app.parley;
    const CreateBody = Type.Object({ ...commonCreateFields(api), ...api.createFields });
    const Envelope = OrderEnvelope(api.schema);

    app.post(`/${api.collection}`, {
      attachValidation: true,
      schema: {
        tags, security, summary: `Create an ${api.label}`,
        description: `Creates the order as after a purchase. Prices take numbers or decimal strings (${api.priceField}, price_usd).`,
        body: CreateBody,
        response: { 201: Envelope, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    }, async (request, reply) => {
      await assertValidRequest(request, (fields) =>
        checkNewOrder(store, { ...fields, price: fields[api.priceField] as string | number | undefined, price_field: api.priceField }));
      const order = await createOrder(store, commonCreateInput(api, request.body as Record<string, unknown>), orderSettings);
      return reply.code(201).send({ data: api.toResource(order) });
    });

    app.patch(`/${api.collection}/:${api.param}`, {
      attachValidation: true,
      schema: {
        tags, security, summary: `Change an ${api.label}'s status`,
        description: 'pending -> in_delivery -> delivered; pending, in_delivery or delivered -> refunded. Other moves answer 422. A system message records each change in the thread.',
        params: IdParam(api.param, `The ID of the ${api.label}`),
        body: StatusBody,
        response: { 200: Envelope, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    }, async (request) => {
      const id = parseResourceId((request.params as Record<string, string>)[api.param]!);
      await getOrder(store, request.actor, api.kind, id);
      await assertValidRequest(request);
      return { data: api.toResource(await changeOrderStatus(store, api.kind, id, request.body.status)) };
    });
  };
}
