import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { adminPurchaseOperations as ops } from '../../../contract/operations/account-offers.js';
import type { Static } from 'typebox';
import { AccountOrderSchema, accountOrders } from '../../../contract/order-kinds/account-orders.js';
import { NotFoundError } from '../../../domain/errors.js';
import { parseResourceId } from '../../../domain/orders.js';
import { checkPurchaseBuyer, purchaseAccountOffer } from '../../../domain/purchases.js';
import { assertValidRequest } from '../../validation.js';

/** The sandbox's buyer side: a buyer buys one unit of a listed account offer. */
export const adminAccountOfferPurchaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, orderSettings } = app.parley;

  app.post(ops.purchaseAccountOffer.url, { attachValidation: true, schema: ops.purchaseAccountOffer.schema }, async (request, reply) => {
    const id = parseResourceId(request.params.account);
    if (!(await store.accountOffers.findById(id))) throw new NotFoundError();
    await assertValidRequest(request, (fields) => checkPurchaseBuyer(store, fields.buyer_id as number | undefined));
    const order = await purchaseAccountOffer(store, id, request.body.buyer_id, orderSettings);
    return reply.code(201).send({ data: accountOrders.toResource(order) as Static<typeof AccountOrderSchema> });
  });
};
