import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toDisputeResource, toDisputeWithEvents } from '../../contract/disputes.js';
import { disputeOperations as ops } from '../../contract/operations/disputes.js';
import {
  authorizeSellerAction, getDispute, listDisputes, sellerAccept, sellerCounter, sellerEscalate, type DisputeView,
} from '../../domain/disputes.js';
import { parseResourceId } from '../../domain/orders.js';
import { paginate } from '../pagination.js';
import { filtersOf } from '../query-string.js';
import { assertValidRequest } from '../validation.js';

/** Writes to one case count against the per-resource limit of the key and the case (rate-limiting.ts). */
const PER_CASE = { perResource: 'order-dispute' } as const;

export const DISPUTE_ACTION_MESSAGES = {
  acceptedRefund: 'Dispute accepted. The order was refunded.',
  acceptedReview: 'Dispute accepted. GameBoost will settle the resolution.',
  countered: 'Counter submitted.',
  escalated: 'Dispute escalated to GameBoost.',
} as const;

/** GameBoost's /v2/order-disputes: the parties read, the seller answers. */
export const disputeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;
  const envelope = (view: DisputeView, message: string | null) =>
    ({ data: toDisputeWithEvents(view.dispute, view.events, store.clock.now()), message });

  app.get(ops.list.url, { schema: ops.list.schema }, async (request) => {
    const { page, per_page } = request.query;
    const result = await listDisputes(store, request.actor, { page, per_page, filter: filtersOf(request.query) });
    const now = store.clock.now();
    return {
      data: result.rows.map((row) => toDisputeResource(row, now)),
      ...paginate(request, { total: result.total, page: result.page, perPage: result.perPage, count: result.rows.length }),
    };
  });

  app.get(ops.get.url, { schema: ops.get.schema }, async (request) =>
    envelope(await getDispute(store, request.actor, parseResourceId(request.params.orderDisputeCase)), null));

  // 404 and 403 come before the body's 422, as Laravel's binding and authorization run first.
  app.post(ops.accept.url, { config: PER_CASE, attachValidation: true, schema: ops.accept.schema }, async (request) => {
    const id = parseResourceId(request.params.orderDisputeCase);
    await authorizeSellerAction(store, request.actor, id);
    await assertValidRequest(request);
    const view = await sellerAccept(store, request.actor, id, request.body);
    return envelope(view, view.dispute.status === 'closed' ? DISPUTE_ACTION_MESSAGES.acceptedRefund : DISPUTE_ACTION_MESSAGES.acceptedReview);
  });

  app.post(ops.counter.url, { config: PER_CASE, attachValidation: true, schema: ops.counter.schema }, async (request) => {
    const id = parseResourceId(request.params.orderDisputeCase);
    await authorizeSellerAction(store, request.actor, id);
    await assertValidRequest(request);
    return envelope(await sellerCounter(store, request.actor, id, request.body), DISPUTE_ACTION_MESSAGES.countered);
  });

  app.post(ops.escalate.url, { config: PER_CASE, attachValidation: true, schema: ops.escalate.schema }, async (request) => {
    const id = parseResourceId(request.params.orderDisputeCase);
    await authorizeSellerAction(store, request.actor, id);
    await assertValidRequest(request);
    return envelope(await sellerEscalate(store, request.actor, id, request.body), DISPUTE_ACTION_MESSAGES.escalated);
  });
};
