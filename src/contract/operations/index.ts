import { Type } from 'typebox';
import { ORDER_KIND_APIS } from '../order-kinds/index.js';
import { adminOrderOperations, adminUserOperations, adminWebhookOperations } from './admin.js';
import { adminOrderDeliveriesOperation } from './order-deliveries.js';
import { adminGameOperations, gameOperations, templateOperations } from './games.js';
import { adminDisputeOperations, adminOpenDisputeOperation, disputeOperations } from './disputes.js';
import { operation, type Operation } from './operation.js';
import { triggerWebhookEventOperation } from './webhook-triggers.js';
import { adminListApiKeysOperation } from './api-key-listing.js';
import { offerOrdersOperation, orderOperations } from './orders.js';
import { adminPurchaseOperation, offerOperations } from './item-currency-offers.js';
import { OFFER_KIND_APIS } from '../item-currency-offers.js';
import { accountOfferOperations, adminPurchaseOperations } from './account-offers.js';
import { eventsStreamOperation, orderStreamOperations, streamTokenOperation } from './streams.js';
import { buyerScriptOperations, sandboxClockOperations } from './sandbox.js';

export const PUBLIC_PREFIX = '/v2';
export const ADMIN_PREFIX = '/admin/v1';

export const healthOperation = operation('GET', '/health', {
  operationId: 'getHealth',
  tags: ['Operations'], summary: 'Liveness',
  description: 'Answers 200 while the process serves requests; needs no key.',
  security: [],
  response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) },
});

export const openApiOperation = operation('GET', '/api/openapi.json', {
  operationId: 'getOpenApiDocument',
  tags: ['Operations'], summary: 'This OpenAPI document',
  description: 'The OpenAPI 3.1 document of every operation, built from the schemas that validate requests; needs no key. `npm run openapi` writes the same document to openapi.json.',
  security: [],
  // Typed as the string the server sends: the document is serialized once, at start.
  response: { 200: Type.Unsafe<string>({ type: 'object', additionalProperties: true, description: 'An OpenAPI 3.1 document' }) },
});

/** One API's operations under its prefix. */
export interface OperationGroup {
  prefix: string;
  operations: Operation[];
}

/** Every operation the server answers, as the http layer registers them. */
export function allOperations(): OperationGroup[] {
  const publicOps: Operation[] = [];
  const adminOps: Operation[] = [...Object.values(adminUserOperations), ...Object.values(adminGameOperations), ...Object.values(adminWebhookOperations)];
  publicOps.push(...Object.values(gameOperations), ...Object.values(templateOperations));
  for (const api of ORDER_KIND_APIS) {
    const ops = orderOperations(api);
    publicOps.push(ops.list);
    if (api.offers) publicOps.push(offerOrdersOperation(api, api.offers));
    publicOps.push(ops.get, ops.listMessages, ops.sendMessage);
    if (api.canComplete) publicOps.push(ops.complete);
    if (api.hasCredentialsEndpoint) publicOps.push(ops.replaceCredentials);
    adminOps.push(...Object.values(adminOrderOperations(api)));
    adminOps.push(adminOrderDeliveriesOperation(api));
    adminOps.push(adminOpenDisputeOperation(api));
  }
  for (const offers of OFFER_KIND_APIS) {
    publicOps.push(...Object.values(offerOperations(offers)));
    adminOps.push(adminPurchaseOperation(offers, ORDER_KIND_APIS.find((api) => api.kind === offers.kind)!));
  }
  publicOps.push(...Object.values(accountOfferOperations));
  publicOps.push(streamTokenOperation, ...orderStreamOperations, eventsStreamOperation);
  publicOps.push(triggerWebhookEventOperation);
  adminOps.push(adminListApiKeysOperation);
  adminOps.push(...Object.values(adminPurchaseOperations));
  adminOps.push(...Object.values(sandboxClockOperations));
  for (const api of ORDER_KIND_APIS) adminOps.push(...Object.values(buyerScriptOperations(api)));
  publicOps.push(...Object.values(disputeOperations));
  adminOps.push(...Object.values(adminDisputeOperations));
  return [
    { prefix: '', operations: [healthOperation, openApiOperation] },
    { prefix: PUBLIC_PREFIX, operations: publicOps },
    { prefix: ADMIN_PREFIX, operations: adminOps },
  ];
}
