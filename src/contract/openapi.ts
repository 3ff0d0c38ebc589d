import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { ErrorBody, MoneySchema, ValidationErrorBody } from './common.js';
import { MessageSchema, MessageSenderSchema } from './message.js';
import { allOperations } from './operations/index.js';
import { ORDER_KIND_APIS } from './order-kinds/index.js';

export interface OpenApiOptions {
  version: string;
}

function jsonResponse(description: string, schema: object) {
  return { description, content: { 'application/json': { schema: schema as Record<string, unknown> } } };
}

/**
 * The OpenAPI 3.1 document of every operation in the contract, built without a database or a
 * listening server: the operations go on a throwaway Fastify instance that @fastify/swagger reads.
 */
export async function buildOpenApiDocument(options: OpenApiOptions): Promise<Record<string, unknown>> {
  const app = Fastify({ logger: false });
  // Schemas are only read here, never compiled.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley: GameBoost API v2 order chat',
        version: options.version,
        description: 'Wire-compatible with GameBoost API v2. /admin/v1 is Parley\'s own operator API.',
      },
      components: {
        securitySchemes: { BearerToken: { type: 'http', scheme: 'bearer' } },
        // Named as in GameBoost's document so generated clients get the same type names.
        schemas: {
          Message: MessageSchema,
          MessageSender: MessageSenderSchema,
          Money: MoneySchema,
          ...Object.fromEntries(ORDER_KIND_APIS.map((api) => [api.schemaName, api.schema])),
        } as Record<string, object>,
        responses: {
          ErrorUnauthenticated: jsonResponse('User is not authenticated: the API key is missing, expired, revoked or invalid', ErrorBody),
          ErrorForbidden: jsonResponse('The key may not act on this resource, or the order is not processing', ErrorBody),
          ErrorNotFound: jsonResponse('Resource not found', ErrorBody),
          ErrorValidation: jsonResponse('Validation errors, happens when the request data is invalid', ValidationErrorBody),
          ErrorRateLimited: jsonResponse('Rate limit exceeded, happens when you exceed the rate limit for the endpoint', ErrorBody),
        },
      },
      tags: [...ORDER_KIND_APIS.map((api) => ({ name: api.tag })), { name: 'Admin' }, { name: 'Webhooks' }, { name: 'Operations' }],
    },
  });
  for (const group of allOperations()) {
    await app.register(async (scope) => {
      for (const op of group.operations) scope.route({ method: op.method, url: op.url, schema: op.schema, handler: async () => null });
    }, { prefix: group.prefix });
  }
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return document;
}
