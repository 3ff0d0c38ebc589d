import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { changeAccountOrderStatus, checkNewAccountOrder, createAccountOrder, getAccountOrder, parseResourceId } from '../../../domain/account-orders.js';
import { DELIVERY_TIME_UNITS } from '../../../domain/delivery-time.js';
import { ORDER_STATUSES } from '../../../domain/order-status.js';
import { toAccountOrderResource } from '../../resources/account-order-resource.js';
import { AccountOrderEnvelope } from '../../schemas/account-order.js';
import { errorResponses, IdParam, Nullable, StringEnum } from '../../schemas/common.js';
import { assertValidRequest } from '../../validation.js';

const tags = ['Admin'];
const security = [{ BearerToken: [] }];

const Price = Type.Unsafe<string | number | null>({
  type: ['string', 'number', 'null'],
  description: 'Decimal amount, as a number or a string such as "12.50"',
});
const LongText = Type.String({ maxLength: 10000 });

const CreateAccountOrderBody = Type.Object({
  seller_id: Type.Integer({ description: 'A user with role seller' }),
  buyer_id: Type.Integer({ description: 'A user with role buyer' }),
  title: Type.String({ maxLength: 255 }),
  description: Type.Optional(Nullable(LongText)),
  price: Type.Optional(Price),
  price_usd: Type.Optional(Type.Unsafe<string | number | null>({ ...Price, description: 'Defaults to price at PARLEY_EUR_USD_RATE' })),
  game_id: Type.Optional(Nullable(Type.Integer({ description: 'Defaults to the first game' }))),
  status: Type.Optional(Nullable(StringEnum(ORDER_STATUSES, { description: 'Defaults to pending' }))),
  account_offer_id: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: 'Defaults to the order id' }))),
  parameters: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown(), { type: 'object' }))),
  is_manual_delivery: Type.Optional(Nullable(Type.Boolean())),
  credentials: Type.Optional(Nullable(LongText)),
  delivery_instructions: Type.Optional(Nullable(LongText)),
  delivery_time: Type.Optional(Nullable(Type.Object({
    duration: Type.Integer({ minimum: 1, maximum: 1000 }),
    unit: StringEnum(DELIVERY_TIME_UNITS),
  }))),
  image_urls: Type.Optional(Nullable(Type.Array(Type.String({ format: 'uri', maxLength: 2048 }), { maxItems: 20 }))),
});

const StatusBody = Type.Object({ status: StringEnum(ORDER_STATUSES) });

/** What a marketplace back end does to orders: create them and move them through their lifecycle. */
export const adminAccountOrderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, orderSettings } = app.parley;

  app.post('/account-orders', {
    attachValidation: true,
    schema: {
      tags, security, summary: 'Create an account order',
      body: CreateAccountOrderBody,
      response: { 201: AccountOrderEnvelope, ...errorResponses(400, 401, 403, 413, 415, 422) },
    },
  }, async (request, reply) => {
    await assertValidRequest(request, (fields) => checkNewAccountOrder(store, fields));
    const order = await createAccountOrder(store, request.body, orderSettings);
    return reply.code(201).send({ data: toAccountOrderResource(order) });
  });

  app.patch('/account-orders/:accountOrder', {
    attachValidation: true,
    schema: {
      tags, security, summary: "Change an account order's status",
      description: 'pending -> in_delivery -> delivered; pending, in_delivery or delivered -> refunded. Other moves answer 422. A system message records each change in the thread.',
      params: IdParam('accountOrder', 'The ID of the account order'),
      body: StatusBody,
      response: { 200: AccountOrderEnvelope, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request) => {
    const id = parseResourceId(request.params.accountOrder);
    await getAccountOrder(store, request.actor, id);
    await assertValidRequest(request);
    return { data: toAccountOrderResource(await changeAccountOrderStatus(store, id, request.body.status)) };
  });
};
