import { Type } from 'typebox';
import { errorResponses, IdParam } from '../common.js';
import { OfferActionEnvelope, OfferListQuery, offerBodies, PurchaseBody, type OfferKindApi } from '../item-currency-offers.js';
import { OrderEnvelope } from '../order.js';
import type { OrderKindApi } from '../order-kinds/order-kind-api.js';
import { Paginated } from '../pagination.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

const Strict = { additionalProperties: false } as const;
const upperFirst = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** GameBoost's endpoints of one kind of offer under /v2 (seller keys; another seller's offer is a 404). */
export function offerOperations(api: OfferKindApi) {
  const tags = [api.tag];
  const One = upperFirst(api.param);
  const base = `/${api.collection}/:${api.param}`;
  const params = IdParam(api.param, `The ID of the ${api.label}.`);
  const Envelope = Type.Object({ data: api.schema }, Strict);
  const bodies = offerBodies(api.kind);
  const action = (name: 'list' | 'draft' | 'archive', operationId: string, summary: string, description: string) =>
    operation('POST', `${base}/${name}`, {
      operationId, tags, security: BEARER, summary, description: `${description} Takes no request body; one sent is ignored.`,
      params,
      response: { 200: OfferActionEnvelope(api.schema), ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
    });
  return {
    list: operation('GET', `/${api.collection}`, {
      operationId: `list${One}s`,
      tags, security: BEARER, summary: `List ${api.label}s`,
      description: "The caller's offers, newest first unless sorted; admin keys list every seller's. Paginated as the order lists.",
      querystring: OfferListQuery,
      response: { 200: Paginated(api.schema), ...errorResponses(401, 422, 429) },
    }),
    get: operation('GET', base, {
      operationId: `get${One}`,
      tags, security: BEARER, summary: `Get an ${api.label}`,
      params,
      response: { 200: Envelope, ...errorResponses(401, 404, 429) },
    }),
    create: operation('POST', `/${api.collection}`, {
      operationId: `create${One}`,
      tags, security: BEARER, summary: `Create an ${api.label}`,
      description: 'Seller keys only (others: 403). The new offer is a draft; list it with POST .../list.',
      body: bodies.create, consumes: JSON_OR_FORM,
      response: { 201: Envelope, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
    }),
    update: operation('PATCH', base, {
      operationId: `update${One}`,
      tags, security: BEARER, summary: `Update an ${api.label}`,
      description: 'Every field optional. Setting the stock of a listed offer to 0 makes it sold; restocking a sold offer lists it again.',
      params,
      body: bodies.update, consumes: JSON_OR_FORM,
      response: { 200: Envelope, ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
    }),
    listForSale: action('list', `list${One}ForSale`, `List an ${api.label} for sale`, 'Status becomes listed and listed_at is set; an offer without stock, or already listed, is a 422.'),
    draft: action('draft', `draft${One}`, `Move an ${api.label} to drafts`, 'Status becomes draft: hidden, no new purchases.'),
    archive: action('archive', `archive${One}`, `Archive an ${api.label}`, 'Status becomes archived; it can be listed or drafted again.'),
  };
}

/** `POST /admin/v1/{item|currency}-offers/{offer}/purchases`: a buyer buys a listed offer (sandbox). */
export function adminPurchaseOperation(api: OfferKindApi, orders: OrderKindApi) {
  return operation('POST', `/${api.collection}/:${api.param}/purchases`, {
    operationId: `adminPurchase${upperFirst(api.param)}`,
    tags: ['Admin'], security: BEARER, summary: `Purchase an ${api.label} as a buyer`,
    description: "Creates the order from the offer's snapshot, takes the quantity from the stock (the offer turns sold at 0) and sends the purchased webhook, in one transaction. 422: the offer is not listed, out of stock, or the quantity is outside min_quantity..stock.",
    params: IdParam(api.param, `The ID of the ${api.label}.`),
    body: PurchaseBody, consumes: JSON_OR_FORM,
    response: { 201: OrderEnvelope(orders.schema), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
  });
}
