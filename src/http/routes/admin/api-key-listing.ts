import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { adminListApiKeysOperation as op } from '../../../contract/operations/api-key-listing.js';
import { listApiKeys } from '../../../domain/api-key-listing.js';
import { parseResourceId } from '../../../domain/orders.js';

/** GET /admin/v1/users/{user}/api-keys. */
export const adminApiKeyListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;
  app.get(op.url, { schema: op.schema }, async (request) => {
    const keys = await listApiKeys(store, parseResourceId(request.params.user));
    return { data: keys.map(({ user_id: _user, ...key }) => key) };
  });
};
