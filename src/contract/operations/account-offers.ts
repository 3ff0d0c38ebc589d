import { Type } from 'typebox';
import {
  AccountOfferActionEnvelope, AccountOfferCredentialSchema, AccountOfferListQuery, AccountOfferSchema, AddedCredentialsEnvelope,
  BulkDeleteCredentialsBody, BulkDeletedEnvelope, CreateAccountOfferBody, CreateLegacyAccountOfferBody, CredentialBody,
  CredentialListQuery, CredentialsListBody, PurchaseBody, UpdateAccountOfferBody,
} from '../account-offers.js';
import { errorResponses, IdParam } from '../common.js';
import { OrderEnvelope } from '../order.js';
import { AccountOrderSchema } from '../order-kinds/account-orders.js';
import { Paginated } from '../pagination.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

/** GameBoost's account offers (/v2, seller keys) and the operator's purchase (/admin/v1). */
const Strict = { additionalProperties: false } as const;
const tags = ['Account Offers'];
const data = <T extends typeof AccountOfferSchema | typeof AccountOfferCredentialSchema>(schema: T) => Type.Object({ data: schema }, Strict);

const offer = IdParam('account', 'The ID of the account offer.');
const credential = Type.Object({
  account: Type.String({ description: 'The ID of the account offer.', examples: ['1'] }),
  credential: Type.String({ description: 'The ID of the credential.', examples: ['1'] }),
});
const NO_BODY = 'Takes no request body; one sent is ignored.';
const PER_RESOURCE = ' Counts against the per-offer write limit (5 a minute, 10 an hour per key and offer).';

export const accountOfferOperations = {
  list: operation('GET', '/account-offers', {
    operationId: 'listAccountOffers',
    tags, security: BEARER, summary: 'List account offers',
    description: "The caller's offers (every seller's for an admin key), newest first unless sorted.",
    querystring: AccountOfferListQuery,
    response: { 200: Paginated(AccountOfferSchema), ...errorResponses(401, 422, 429) },
  }),
  createLegacy: operation('POST', '/account-offers', {
    operationId: 'createLegacyAccountOffer',
    tags, security: BEARER, summary: 'Create an account offer (legacy format: one account, its login inline)',
    description: 'Creates a draft. login and password are required unless is_manual; a manual offer needs delivery_time. Seller keys only (403 otherwise).',
    body: CreateLegacyAccountOfferBody, consumes: JSON_OR_FORM,
    response: { 201: data(AccountOfferSchema), ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
  }),
  create: operation('POST', '/account-offers/create', {
    operationId: 'createAccountOffer',
    tags, security: BEARER, summary: 'Create an account offer with a stock of credentials',
    description: 'Creates a draft whose stock is `credentials` (at least one: "At least one credential is required"; repeats skipped). Seller keys only (403 otherwise).',
    body: CreateAccountOfferBody, consumes: JSON_OR_FORM,
    response: { 201: data(AccountOfferSchema), ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
  }),
  get: operation('GET', '/account-offers/:account', {
    operationId: 'getAccountOffer',
    tags, security: BEARER, summary: 'Get an account offer',
    params: offer,
    response: { 200: data(AccountOfferSchema), ...errorResponses(401, 404, 429) },
  }),
  update: operation('PATCH', '/account-offers/:account', {
    operationId: 'updateAccountOffer',
    tags, security: BEARER, summary: 'Change an account offer',
    description: `Every field is optional; only what is sent changes. price takes a number or a numeric string.${PER_RESOURCE}`,
    params: offer,
    body: UpdateAccountOfferBody, consumes: JSON_OR_FORM,
    response: { 200: data(AccountOfferSchema), ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
  }),
  delete: operation('DELETE', '/account-offers/:account', {
    operationId: 'deleteAccountOffer',
    tags, security: BEARER, summary: 'Delete an account offer',
    description: `Its unsold credentials go with it; its orders keep their offer id.${PER_RESOURCE}`,
    params: offer,
    response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(401, 404, 429) },
  }),
  publish: operation('POST', '/account-offers/:account/list', {
    operationId: 'publishAccountOffer',
    tags, security: BEARER, summary: 'List an account offer for sale',
    description: `Status becomes listed (listed_at set). 422 when it is listed already or has no stock. ${NO_BODY}${PER_RESOURCE}`,
    params: offer,
    response: { 200: AccountOfferActionEnvelope, ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
  }),
  draft: operation('POST', '/account-offers/:account/draft', {
    operationId: 'draftAccountOffer',
    tags, security: BEARER, summary: 'Move an account offer back to draft (unlist it)',
    description: `422 when it is a draft already. ${NO_BODY}${PER_RESOURCE}`,
    params: offer,
    response: { 200: AccountOfferActionEnvelope, ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
  }),
  duplicate: operation('POST', '/account-offers/:account/duplicate', {
    operationId: 'duplicateAccountOffer',
    tags, security: BEARER, summary: 'Copy an account offer into a new draft',
    description: `data is the new draft. A new-format offer's stock is not copied; a legacy offer's inline account is. ${NO_BODY}${PER_RESOURCE}`,
    params: offer,
    response: { 200: AccountOfferActionEnvelope, ...errorResponses(400, 401, 404, 413, 415, 429) },
  }),
  listCredentials: operation('GET', '/account-offers/:account/credentials', {
    operationId: 'listAccountOfferCredentials',
    tags, security: BEARER, summary: "List a new-format account offer's credentials (its stock)",
    description: 'Oldest first. A legacy offer has no stock: 422.',
    params: offer,
    querystring: CredentialListQuery,
    response: { 200: Paginated(AccountOfferCredentialSchema), ...errorResponses(401, 404, 422, 429) },
  }),
  addCredentials: operation('POST', '/account-offers/:account/credentials', {
    operationId: 'addAccountOfferCredentials',
    tags, security: BEARER, summary: 'Add credentials to the stock',
    description: `Credentials already in the offer (sold ones included) or repeated in the request are skipped and counted in duplicate_count.${PER_RESOURCE}`,
    params: offer,
    body: CredentialsListBody, consumes: JSON_OR_FORM,
    response: { 200: AddedCredentialsEnvelope, ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
  }),
  updateCredential: operation('PATCH', '/account-offers/:account/credentials/:credential', {
    operationId: 'updateAccountOfferCredential',
    tags, security: BEARER, summary: 'Change an unsold credential',
    description: `A sold credential cannot change: 422.${PER_RESOURCE}`,
    params: credential,
    body: CredentialBody, consumes: JSON_OR_FORM,
    response: { 200: data(AccountOfferCredentialSchema), ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
  }),
  deleteCredential: operation('DELETE', '/account-offers/:account/credentials/:credential', {
    operationId: 'deleteAccountOfferCredential',
    tags, security: BEARER, summary: 'Delete an unsold credential',
    description: `A sold credential cannot be deleted: 422.${PER_RESOURCE}`,
    params: credential,
    response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(401, 404, 422, 429) },
  }),
  bulkDeleteCredentials: operation('POST', '/account-offers/:account/credentials/bulk-delete', {
    operationId: 'bulkDeleteAccountOfferCredentials',
    tags, security: BEARER, summary: 'Delete several unsold credentials',
    description: `Sold credentials, and ids not of this offer, are skipped; deleted_count says how many went.${PER_RESOURCE}`,
    params: offer,
    body: BulkDeleteCredentialsBody, consumes: JSON_OR_FORM,
    response: { 200: BulkDeletedEnvelope, ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
  }),
};

export const adminPurchaseOperations = {
  purchaseAccountOffer: operation('POST', '/account-offers/:account/purchases', {
    operationId: 'adminPurchaseAccountOffer',
    tags: ['Admin'], security: BEARER, summary: 'A buyer buys one unit of a listed account offer',
    description: 'One transaction: the offer must be listed and have stock (422 on account_offer otherwise). A new-format offer sells its oldest unsold credential, ' +
      'a legacy one its inline account. An instant offer\'s order starts in_delivery with the credentials; a manual one pending without them. ' +
      'The order is appended to account_order_ids; the offer becomes sold when no stock remains. Writes a system message and account.order.purchased.',
    params: offer,
    body: PurchaseBody, consumes: JSON_OR_FORM,
    response: { 201: OrderEnvelope(AccountOrderSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
  }),
};
