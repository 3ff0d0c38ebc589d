import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { adminUserOperations as ops } from '../../../contract/operations/admin.js';
import { checkNewApiKey, issueApiKey, revokeApiKey } from '../../../domain/api-keys.js';
import { parseResourceId } from '../../../domain/orders.js';
import { checkNewUser, createUser, getUser } from '../../../domain/user-accounts.js';
import { assertValidRequest } from '../../validation.js';

/** Users and their API keys. */
export const adminUserRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;

  app.post(ops.createUser.url, { attachValidation: true, schema: ops.createUser.schema }, async (request, reply) => {
    await assertValidRequest(request, (fields) => checkNewUser(store, fields));
    const user = await createUser(store, request.body);
    return reply.code(201).send({ data: user });
  });

  app.post(ops.createApiKey.url, { attachValidation: true, schema: ops.createApiKey.schema }, async (request, reply) => {
    const userId = parseResourceId(request.params.user);
    await getUser(store, userId);
    await assertValidRequest(request, (fields) => checkNewApiKey(fields, store.clock.now()));
    const { key, token } = await issueApiKey(store, userId, { name: request.body.name, expires_at: request.body.expires_at ?? null });
    return reply.code(201).send({ data: { id: key.id, name: key.name, token, expires_at: key.expires_at, created_at: key.created_at } });
  });

  app.delete(ops.revokeApiKey.url, { schema: ops.revokeApiKey.schema }, async (request, reply) => {
    const tokenHash = await revokeApiKey(store, parseResourceId(request.params.key));
    // This instance forgets the key before answering; the feed tells every other one (and this
    // one again, harmlessly). The revocation is committed either way: if the feed is down, the
    // other instances stop trusting their cached copy when its TTL runs out. Not awaited: a
    // stalled feed must not hold the answer (the publish has its own deadline, and is logged).
    app.parley.authenticator.forgetKey(tokenHash);
    app.parley.changes.publish({ type: 'api_key.revoked', keyHash: tokenHash })
      .catch((error: unknown) => request.log.error({ err: error }, 'change feed: revocation not published'));
    return reply.code(204).send(null);
  });
};
