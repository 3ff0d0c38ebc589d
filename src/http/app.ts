import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import { Type } from 'typebox';
import type { Actor } from '../domain/users.js';
import { authenticationHook } from './authentication.js';
import type { ParleyContext } from './context.js';
import { registerErrorHandling } from './error-handler.js';
import { normalizeInput } from './input-normalizer.js';
import { parseQueryString } from './query-string.js';
import { rateLimitHook } from './rate-limiting.js';
import { fastifyLogsRequests, registerQuietLogger } from './request-log.js';
import { ORDER_KIND_APIS } from './order-kinds/index.js';
import { adminOrderRoutes } from './routes/admin/orders.js';
import { orderRoutes } from './routes/orders.js';
import { adminApiKeyRoutes } from './routes/admin/api-keys.js';
import { adminGameRoutes } from './routes/admin/games.js';
import { adminWebhookRoutes } from './routes/admin/webhooks.js';
import { adminUserRoutes } from './routes/admin/users.js';
import { validatorCompiler } from './validation.js';
import { ErrorBody, MoneySchema, ValidationErrorBody } from './schemas/common.js';
import { MessageSchema, MessageSenderSchema } from './schemas/message.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  logger: FastifyBaseLogger | false;
  version: string;
}

function registerBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // An empty JSON body is "no input" (Laravel), so a send without a body answers 422, not 400.
  app.addContentTypeParser(/^application\/([\w.-]+\+)?json/, { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, {});
    json(request, body as string, done);
  });
  // Laravel accepts forms too: `curl -d message=hi` works as it does against GameBoost.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}

/** preValidation: Laravel reads input only from a JSON object: no body, `null`, `[]` or `"text"` is empty input. */
function normalizeBodyHook(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const body = request.body;
  request.body = body !== null && typeof body === 'object' && !Array.isArray(body) ? normalizeInput(body) : {};
  done();
}

function jsonResponse(description: string, schema: object) {
  return { description, content: { 'application/json': { schema: schema as Record<string, unknown> } } };
}

export async function buildApp(context: ParleyContext, options: AppOptions): Promise<FastifyInstance> {
  const logger = options.logger;
  const logsRequests = fastifyLogsRequests(logger);
  const app = Fastify({
    ...(logsRequests ? { loggerInstance: logger } : { logger: false }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { querystringParser: parseQueryString },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('parley', context);
  registerQuietLogger(app, logsRequests || logger === false ? null : logger);
  app.decorateRequest('actor', null as unknown as Actor);
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app);
  registerBodyParsers(app);

  // Hooks in callback style: an async hook costs a promise per request, and these never wait.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-GameBoost-Request-Id', request.id);
    done();
  });
  // Only routes that take a body get the input normalization (decided once, per route).
  app.addHook('onRoute', (route) => {
    if (route.schema?.body) route.preValidation = [normalizeBodyHook, ...[route.preValidation ?? []].flat()];
  });

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
        // Named as in GameBoost's document so generated clients get the same type names;
        // the paths inline the very same schema objects.
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

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/health', {
    schema: {
      tags: ['Operations'], summary: 'Liveness',
      response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) },
    },
  }, async () => ({ status: 'ok' as const }));

  await app.register(async (v2) => {
    v2.addHook('onRequest', authenticationHook(app, { adminOnly: false }));
    // With every limit off (PARLEY_RATE_LIMIT_*=0) there is nothing to count or to announce.
    if (Object.values(context.rateLimits).some((limit) => limit > 0)) v2.addHook('onRequest', rateLimitHook(app));
    for (const api of ORDER_KIND_APIS) await v2.register(orderRoutes(api));
  }, { prefix: '/v2' });

  await app.register(async (admin) => {
    admin.addHook('onRequest', authenticationHook(app, { adminOnly: true }));
    await admin.register(adminUserRoutes);
    await admin.register(adminGameRoutes);
    await admin.register(adminWebhookRoutes);
    await admin.register(adminApiKeyRoutes);
    for (const api of ORDER_KIND_APIS) await admin.register(adminOrderRoutes(api));
  }, { prefix: '/admin/v1' });

  return app;
}
