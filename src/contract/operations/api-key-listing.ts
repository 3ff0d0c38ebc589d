import { Type } from 'typebox';
import { errorResponses, IdParam, Nullable } from '../common.js';
import { BEARER, operation } from './operation.js';

const Strict = { additionalProperties: false } as const;

/** A key as listed: never its token (only its hash is stored). */
export const ListedApiKeySchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    expires_at: Nullable(Type.Integer()),
    revoked_at: Nullable(Type.Integer({ description: 'When it was revoked; null while it works' })),
    last_used_at: Nullable(Type.Integer({ description: 'Updated at most once a minute' })),
    created_at: Type.Integer(),
  },
  { ...Strict, description: 'An API key without its token' },
);

/** `parley keys list --user ID`. */
export const adminListApiKeysOperation = operation('GET', '/users/:user/api-keys', {
  operationId: 'adminListApiKeys',
  tags: ['Admin'], security: BEARER, summary: "List a user's API keys (without their tokens), revoked ones too, oldest first",
  params: IdParam('user', 'User id'),
  response: { 200: Type.Object({ data: Type.Array(ListedApiKeySchema) }, Strict), ...errorResponses(401, 403, 404, 429) },
});
