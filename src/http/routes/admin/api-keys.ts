import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseResourceId } from '../../../domain/orders.js';
import { checkNewApiKey, issueApiKey, revokeApiKey } from '../../../domain/api-keys.js';
import { getUser } from '../../../domain/user-accounts.js';
import { errorResponses, IdParam, Nullable } from '../../schemas/common.js';
import { assertValidRequest } from '../../validation.js';
import { requestLog } from '../../request-log.js';

const tags = ['Admin'];
const security = [{ BearerToken: [] }];

const CreateApiKeyBody = Type.Object({
  name: Type.String({ maxLength: 255 }),
  expires_at: Type.Optional(Nullable(Type.Integer({ description: 'Unix seconds; must be in the future. null or absent: never expires' }))),
});

const IssuedKeySchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    token: Type.String({ description: 'The bearer token. Shown once: only its hash is stored.' }),
    expires_at: Nullable(Type.Integer()),
    created_at: Type.Integer(),
  },
  { additionalProperties: false },
);

export const adminApiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;

  app.post('/users/:user/api-keys', {
    attachValidation: true,
    schema: {
      tags, security, summary: "Create an API key for a user; the token is returned once",
      params: IdParam('user', 'User id'),
      body: CreateApiKeyBody,
      response: { 201: Type.Object({ data: IssuedKeySchema }, { additionalProperties: false }), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request, reply) => {
    const userId = parseResourceId(request.params.user);
    await getUser(store, userId);
    await assertValidRequest(request, (fields) => checkNewApiKey(fields));
    const { key, token } = await issueApiKey(store, userId, { name: request.body.name, expires_at: request.body.expires_at ?? null });
    return reply.code(201).send({ data: { id: key.id, name: key.name, token, expires_at: key.expires_at, created_at: key.created_at } });
  });

  app.delete('/api-keys/:key', {
    schema: {
      tags, security, summary: 'Revoke an API key, effective at once',
      params: IdParam('key', 'API key id'),
      response: { 204: Type.Null({ description: 'Revoked' }), ...errorResponses(401, 403, 404) },
    },
  }, async (request, reply) => {
    const tokenHash = await revokeApiKey(store, parseResourceId(request.params.key));
    // This instance forgets the key before answering; the feed tells every other one (and this
    // one again, harmlessly). The revocation is committed either way: if the feed is down, the
    // other instances stop trusting their cached copy when its TTL runs out.
    app.parley.authenticator.forgetKey(tokenHash);
    await app.parley.changes.publish({ type: 'api_key.revoked', keyHash: tokenHash })
      .catch((error: unknown) => requestLog(request).error({ err: error }, 'change feed: revocation not published'));
    return reply.code(204).send(null);
  });
};
