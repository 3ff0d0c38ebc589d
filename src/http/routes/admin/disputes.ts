import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { toDisputeWithEvents } from '../../../contract/disputes.js';
import { adminDisputeOperations as ops, adminOpenDisputeOperation } from '../../../contract/operations/disputes.js';
import type { Operation } from '../../../contract/operations/operation.js';
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
  type Step = (id: number, body: Record<string, unknown>, request: FastifyRequest) => Promise<DisputeView>;
  const steps: [Operation, Step, string][] = [
    [ops.buyerReply, (id, body) => buyerReply(store, id, body), ADMIN_DISPUTE_MESSAGES.replied],
    [ops.buyerAccept, (id, body) => buyerAcceptCounter(store, id, body), ADMIN_DISPUTE_MESSAGES.accepted],
    [ops.buyerEscalate, (id, body) => buyerEscalate(store, id, body), ADMIN_DISPUTE_MESSAGES.escalated],
    [ops.resolve, (id, body, request) => resolveDispute(store, id, body, { id: request.actor.user.id, username: request.actor.user.username }),
      ADMIN_DISPUTE_MESSAGES.resolved],
  ];
  for (const [op, step, message] of steps) {
    app.post(op.url, { attachValidation: true, schema: op.schema }, async (request) => {
      const id = parseResourceId((request.params as Record<string, string>).orderDisputeCase!);
      await findDispute(store, id); // 404 before the body's 422
      await assertValidRequest(request);
      return envelope(app.parley, await step(id, request.body as Record<string, unknown>, request), message);
    });
  }
};
