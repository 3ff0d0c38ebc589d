import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { toAccountOfferCredentialResource, toAccountOfferResource } from '../../contract/account-offers.js';
import { accountOfferOperations as ops } from '../../contract/operations/account-offers.js';
import {
  addOfferCredentials, applyAccountOfferAction, assertCanCreateOffers, bulkDeleteOfferCredentials, checkAccountOfferChanges,
  checkNewAccountOffer, createAccountOffer, credentialCount, deleteAccountOffer, deleteOfferCredential, getAccountOffer,
  getOfferCredential, getStockOffer, listAccountOffers, listOfferCredentials, updateAccountOffer, updateOfferCredential,
  type AccountOfferAction, type AccountOfferFormat,
} from '../../domain/account-offers.js';
import { ValidationError, type FieldErrors } from '../../domain/errors.js';
import { parseResourceId } from '../../domain/orders.js';
import { paginate } from '../pagination.js';
import { filtersOf } from '../query-string.js';
import { toFieldErrors } from '../validation.js';

/** Writes to one offer count against the per-resource limit of the key and the offer (rate-limiting.ts). */
const PER_OFFER = { perResource: 'account-offer' } as const;

type Body = Record<string, unknown>;

/**
 * The schema's errors and the domain's checks of the fields that passed it, reported together
 * (Laravel reports every rule at once). Nothing to do when the schema passed: the domain's own
 * write checks the rest.
 */
async function assertValidOfferBody(request: FastifyRequest, check?: (body: Body, skip: ReadonlySet<string>) => Promise<FieldErrors>): Promise<void> {
  const error = request.validationError as (Error & { validation?: ErrorObject[] }) | undefined;
  if (!error) return;
  const errors = toFieldErrors(error.validation ?? []);
  if (check) {
    const skip = new Set(Object.keys(errors).map((field) => field.split('.')[0]!));
    for (const [field, messages] of Object.entries(await check((request.body ?? {}) as Body, skip))) errors[field] ??= messages;
  }
  throw new ValidationError(errors);
}

const listParams = (query: Record<string, string | undefined>) => ({ page: query.page, per_page: query.per_page, sort: query.sort, filter: filtersOf(query) });

/** GameBoost's account offers under /v2: the caller's offers, their actions and their credentials stock. */
export const accountOfferRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, orderSettings } = app.parley;

  app.get(ops.list.url, { schema: ops.list.schema }, async (request) => {
    const page = await listAccountOffers(store, request.actor, listParams(request.query));
    return {
      data: page.rows.map(toAccountOfferResource),
      ...paginate(request, { total: page.total, page: page.page, perPage: page.perPage, count: page.rows.length }),
    };
  });

  const create = (format: AccountOfferFormat) => async (request: FastifyRequest) => {
    assertCanCreateOffers(request.actor);
    await assertValidOfferBody(request, (body, skip) => checkNewAccountOffer(store, body, format, skip, orderSettings));
    return toAccountOfferResource(await createAccountOffer(store, request.actor, request.body as Body, format, orderSettings));
  };
  const createLegacy = create('legacy');
  const createWithStock = create('stock');
  app.post(ops.createLegacy.url, { attachValidation: true, schema: ops.createLegacy.schema }, async (request, reply) =>
    reply.code(201).send({ data: await createLegacy(request) }));
  app.post(ops.create.url, { attachValidation: true, schema: ops.create.schema }, async (request, reply) =>
    reply.code(201).send({ data: await createWithStock(request) }));

  app.get(ops.get.url, { schema: ops.get.schema }, async (request) =>
    ({ data: toAccountOfferResource(await getAccountOffer(store, request.actor, parseResourceId(request.params.account))) }));

  app.patch(ops.update.url, { attachValidation: true, config: PER_OFFER, schema: ops.update.schema }, async (request) => {
    const id = parseResourceId(request.params.account);
    const offer = await getAccountOffer(store, request.actor, id);
    await assertValidOfferBody(request, (body, skip) => checkAccountOfferChanges(store, offer, body, skip, orderSettings));
    return { data: toAccountOfferResource(await updateAccountOffer(store, request.actor, id, request.body as Body, orderSettings)) };
  });

  app.delete(ops.delete.url, { config: PER_OFFER, schema: ops.delete.schema }, async (request, reply) => {
    await deleteAccountOffer(store, request.actor, parseResourceId(request.params.account));
    return reply.code(204).send(null);
  });

  const actions: [typeof ops.publish | typeof ops.draft | typeof ops.duplicate, AccountOfferAction][] = [
    [ops.publish, 'list'], [ops.draft, 'draft'], [ops.duplicate, 'duplicate'],
  ];
  for (const [op, action] of actions) {
    app.post(op.url, { config: PER_OFFER, schema: op.schema }, async (request) => {
      const result = await applyAccountOfferAction(store, request.actor, parseResourceId(request.params.account), action);
      return { data: toAccountOfferResource(result.offer), message: result.message, action, previous_status: result.previous_status };
    });
  }

  app.get(ops.listCredentials.url, { schema: ops.listCredentials.schema }, async (request) => {
    const page = await listOfferCredentials(store, request.actor, parseResourceId(request.params.account), listParams(request.query));
    return {
      data: page.rows.map(toAccountOfferCredentialResource),
      ...paginate(request, { total: page.total, page: page.page, perPage: page.perPage, count: page.rows.length }),
    };
  });

  app.post(ops.addCredentials.url, { attachValidation: true, config: PER_OFFER, schema: ops.addCredentials.schema }, async (request) => {
    const id = parseResourceId(request.params.account);
    await getStockOffer(store, request.actor, id);
    await assertValidOfferBody(request);
    const { created, duplicates } = await addOfferCredentials(store, request.actor, id, request.body.credentials);
    return {
      message: `${credentialCount(created.length)} added successfully.`,
      created_count: created.length,
      duplicate_count: duplicates,
      data: created.map(toAccountOfferCredentialResource),
    };
  });

  app.patch(ops.updateCredential.url, { attachValidation: true, config: PER_OFFER, schema: ops.updateCredential.schema }, async (request) => {
    const offerId = parseResourceId(request.params.account);
    const credentialId = parseResourceId(request.params.credential);
    await getOfferCredential(store, request.actor, offerId, credentialId);
    await assertValidOfferBody(request);
    return { data: toAccountOfferCredentialResource(await updateOfferCredential(store, request.actor, offerId, credentialId, request.body.credentials)) };
  });

  app.delete(ops.deleteCredential.url, { config: PER_OFFER, schema: ops.deleteCredential.schema }, async (request, reply) => {
    await deleteOfferCredential(store, request.actor, parseResourceId(request.params.account), parseResourceId(request.params.credential));
    return reply.code(204).send(null);
  });

  app.post(ops.bulkDeleteCredentials.url, { attachValidation: true, config: PER_OFFER, schema: ops.bulkDeleteCredentials.schema }, async (request) => {
    const id = parseResourceId(request.params.account);
    await getStockOffer(store, request.actor, id);
    await assertValidOfferBody(request);
    const deleted = await bulkDeleteOfferCredentials(store, request.actor, id, request.body.credentials_ids);
    return { message: `${credentialCount(deleted)} deleted successfully.`, deleted_count: deleted };
  });
};
