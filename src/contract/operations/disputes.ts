import { Type } from 'typebox';
import { errorResponses, IdParam } from '../common.js';
import {
  AcceptDisputeBody, BuyerAcceptBody, CounterDisputeBody, DisputeCaseSchema, DisputeEnvelope, EscalateDisputeBody,
  OpenDisputeBody, ResolveDisputeBody,
} from '../disputes.js';
import type { OrderKindApi } from '../order-kinds/order-kind-api.js';
import { PageQuery, Paginated } from '../pagination.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

/** GameBoost's /v2/order-disputes, and the sandbox's buyer and staff side under /admin/v1. */
const tags = ['Order Disputes'];
const adminTags = ['Admin Disputes'];
const CASE_PARAM = 'orderDisputeCase';
const base = `/order-disputes/:${CASE_PARAM}`;
const params = IdParam(CASE_PARAM, 'The id of the dispute case (the order\'s dispute_case_id).');
const WRITE_ERRORS = errorResponses(400, 401, 403, 404, 413, 415, 422, 429);
const STATE_422 = 'An action the case\'s status does not allow is a 422 naming `status` (e.g. "The dispute is closed.").';

export const disputeOperations = {
  list: operation('GET', '/order-disputes', {
    operationId: 'listOrderDisputes',
    tags, security: BEARER, summary: 'List dispute cases',
    description: 'Cases on orders where the caller is the seller or the buyer, newest first, without their events. Admin keys list every case.',
    querystring: Type.Object(
      {
        ...PageQuery,
        'filter[id]': Type.Optional(Type.String({ description: 'Comma list of case ids' })),
        'filter[status]': Type.Optional(Type.String({ description: 'waiting_for_seller, waiting_for_buyer, under_review or closed (comma list)' })),
      },
      { additionalProperties: true },
    ),
    response: { 200: Paginated(DisputeCaseSchema), ...errorResponses(401, 422, 429) },
  }),
  get: operation('GET', base, {
    operationId: 'getOrderDispute',
    tags, security: BEARER, summary: 'Get a dispute case with its timeline',
    description: 'For the seller or the buyer of the order (admin keys: any case); anyone else gets a 404. `message` is null.',
    params,
    response: { 200: DisputeEnvelope, ...errorResponses(401, 404, 429) },
  }),
  accept: operation('POST', `${base}/accept`, {
    operationId: 'acceptOrderDispute',
    tags, security: BEARER, summary: 'Accept a dispute (seller)',
    description: 'While the case waits for the seller or the buyer. A preferred refund refunds the order and closes the case (seller_accepted, refund); ' +
      `any other preferred resolution sends the case to GameBoost (under_review). The buyer gets a 403. ${STATE_422}`,
    params, body: AcceptDisputeBody, consumes: JSON_OR_FORM,
    response: { 200: DisputeEnvelope, ...WRITE_ERRORS },
  }),
  counter: operation('POST', `${base}/counter`, {
    operationId: 'counterOrderDispute',
    tags, security: BEARER, summary: 'Counter a dispute with another resolution (seller)',
    description: `While the case waits for the seller; the case then waits for the buyer, whose deadline starts. The buyer gets a 403. ${STATE_422}`,
    params, body: CounterDisputeBody, consumes: JSON_OR_FORM,
    response: { 200: DisputeEnvelope, ...WRITE_ERRORS },
  }),
  escalate: operation('POST', `${base}/escalate`, {
    operationId: 'escalateOrderDispute',
    tags, security: BEARER, summary: 'Escalate a dispute to GameBoost (seller)',
    description: `While the case waits for the seller or the buyer; the case goes under review (seller_requested). The buyer gets a 403. ${STATE_422}`,
    params, body: EscalateDisputeBody, consumes: JSON_OR_FORM,
    response: { 200: DisputeEnvelope, ...WRITE_ERRORS },
  }),
};

/** `POST /admin/v1/{kind}-orders/{id}/disputes`: the sandbox opens a case as the order's buyer. */
export function adminOpenDisputeOperation<P extends string>(api: OrderKindApi<P>) {
  return operation('POST', `/${api.collection}/:${api.param}/disputes`, {
    operationId: `adminOpen${api.schemaName}Dispute`,
    tags: adminTags, security: BEARER, summary: `Open a dispute on an ${api.label} as its buyer`,
    description: 'Opens a case as the order\'s buyer would: the case waits for the seller, whose deadline starts; the order is locked (is_disputed, dispute_case_id). ' +
      'Sends order.dispute.created. 422 for a refunded order or one with an open case (named `order`), and for a reason the order kind does not take.',
    params: IdParam(api.param, `The ID of the ${api.label}`),
    body: OpenDisputeBody, consumes: JSON_OR_FORM,
    response: { 201: DisputeEnvelope, ...WRITE_ERRORS },
  });
}

const adminBase = `/order-disputes/:${CASE_PARAM}`;

export const adminDisputeOperations = {
  buyerReply: operation('POST', `${adminBase}/buyer-reply`, {
    operationId: 'adminBuyerReplyOrderDispute',
    tags: adminTags, security: BEARER, summary: 'Reply to a dispute as its buyer',
    description: 'While the case waits for the buyer, the reply rejects the counter-proposal: the case waits for the seller again, with a new deadline. ' +
      `Otherwise (waiting for the seller, under review) it only adds to the timeline. ${STATE_422}`,
    params, body: EscalateDisputeBody, consumes: JSON_OR_FORM,
    response: { 200: DisputeEnvelope, ...WRITE_ERRORS },
  }),
  buyerAccept: operation('POST', `${adminBase}/buyer-accept`, {
    operationId: 'adminBuyerAcceptOrderDispute',
    tags: adminTags, security: BEARER, summary: 'Accept the seller\'s counter-proposal as the buyer',
    description: `While the case waits for the buyer: the case closes (buyer_accepted) with the counter's resolution as outcome; a refund refunds the order. ${STATE_422}`,
    params, body: BuyerAcceptBody, consumes: JSON_OR_FORM,
    response: { 200: DisputeEnvelope, ...WRITE_ERRORS },
  }),
  buyerEscalate: operation('POST', `${adminBase}/buyer-escalate`, {
    operationId: 'adminBuyerEscalateOrderDispute',
    tags: adminTags, security: BEARER, summary: 'Escalate a dispute to GameBoost as the buyer',
    description: `While the case waits for the seller or the buyer; the case goes under review (buyer_requested). ${STATE_422}`,
    params, body: EscalateDisputeBody, consumes: JSON_OR_FORM,
    response: { 200: DisputeEnvelope, ...WRITE_ERRORS },
  }),
  resolve: operation('POST', `${adminBase}/resolve`, {
    operationId: 'adminResolveOrderDispute',
    tags: adminTags, security: BEARER, summary: 'Resolve a dispute as GameBoost staff',
    description: `Closes any open case (staff_resolved) with the outcome; a refund refunds the order. ${STATE_422}`,
    params, body: ResolveDisputeBody, consumes: JSON_OR_FORM,
    response: { 200: DisputeEnvelope, ...WRITE_ERRORS },
  }),
};
