import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toDisputeWithEvents } from '../../../contract/disputes.js';
import { adminDisputeOperations as ops, adminOpenDisputeOperation } from '../../../contract/operations/disputes.js';
import type { AnyOrderKindApi } from '../../../contract/order-kinds/index.js';
import {
  buyerAcceptCounter, buyerEscalate, buyerReply, findDispute, openDispute, resolveDispute, type DisputeView,
} from '../../../domain/disputes.js';
import { getOrder, parseResourceId } from '../../../domain/orders.js';
import type { ParleyContext } from '../../context.js';
import { assertValidRequest } from '../../validation.js';

export const ADMIN_DISPUTE_MESSAGES = {
  opened: 'Dispute opened.',
  replied: 'Reply added.',
  accepted: 'Counter accepted.',
  escalated: 'Dispute escalated to GameBoost.',
  resolved: 'Dispute resolved.',
} as const;

const envelope = (context: ParleyContext, view: DisputeView, message: string) =>
  ({ data: toDisputeWithEvents(view.dispute, view.events, context.store.clock.now()), message });

/** `POST /admin/v1/{kind}-orders/{id}/disputes`: a case opened as the order's buyer. */
export function adminOpenDisputeRoutes(api: AnyOrderKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store } = app.parley;
    const op = adminOpenDisputeOperation(api);
    app.post(op.url, { attachValidation: true, schema: op.schema }, async (request, reply) => {
      const id = parseResourceId((request.params as Record<string, string>)[api.param]!);
      await getOrder(store, request.actor, api.kind, id);
      await assertValidRequest(request);
      const view = await openDispute(store, api.kind, id, request.body);
      return reply.code(201).send(envelope(app.parley, view, ADMIN_DISPUTE_MESSAGES.opened));
    });
  };
}

/** The sandbox's buyer and staff side of a case (/admin/v1/order-disputes/{id}/...). */
export const adminDisputeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;
  const caseId = async (raw: string) => {
    const id = parseResourceId(raw);
    await findDispute(store, id); // 404 before the body's 422
    return id;
  };

  app.post(ops.buyerReply.url, { attachValidation: true, schema: ops.buyerReply.schema }, async (request) => {
    const id = await caseId(request.params.orderDisputeCase);
    await assertValidRequest(request);
    return envelope(app.parley, await buyerReply(store, id, request.body), ADMIN_DISPUTE_MESSAGES.replied);
  });

  app.post(ops.buyerAccept.url, { attachValidation: true, schema: ops.buyerAccept.schema }, async (request) => {
    const id = await caseId(request.params.orderDisputeCase);
    await assertValidRequest(request);
    return envelope(app.parley, await buyerAcceptCounter(store, id, request.body), ADMIN_DISPUTE_MESSAGES.accepted);
  });

  app.post(ops.buyerEscalate.url, { attachValidation: true, schema: ops.buyerEscalate.schema }, async (request) => {
    const id = await caseId(request.params.orderDisputeCase);
    await assertValidRequest(request);
    return envelope(app.parley, await buyerEscalate(store, id, request.body), ADMIN_DISPUTE_MESSAGES.escalated);
  });

  app.post(ops.resolve.url, { attachValidation: true, schema: ops.resolve.schema }, async (request) => {
    const id = await caseId(request.params.orderDisputeCase);
    await assertValidRequest(request);
    const staff = { id: request.actor.user.id, username: request.actor.user.username };
    return envelope(app.parley, await resolveDispute(store, id, request.body, staff), ADMIN_DISPUTE_MESSAGES.resolved);
  });
};
