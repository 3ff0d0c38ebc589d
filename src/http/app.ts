import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import type { Actor } from '../domain/users.js';
import { authenticationHook } from './authentication.js';
import type { ParleyContext } from './context.js';
import { registerErrorHandling } from './error-handler.js';
import { MalformedRequestError } from './http-errors.js';
import { MALFORMED_BODY, normalizeInput } from './input-normalizer.js';
import { hasHighByteEscape, parseQueryString, percentDecodesToUtf8 } from './query-string.js';
import { rateLimitHook } from './rate-limiting.js';
import { registerIdempotency } from './idempotency.js';
import { registerCors } from './cors.js';
import { fastifyLogsRequests, lazyChildLoggerFactory, requestLine, requestStart } from './request-log.js';
import { buildOpenApiDocument } from '../contract/openapi.js';
import { ADMIN_PREFIX, healthOperation, openApiOperation, PUBLIC_PREFIX } from '../contract/operations/index.js';
import { ORDER_KIND_APIS } from '../contract/order-kinds/index.js';
import { adminOrderRoutes } from './routes/admin/orders.js';
import { adminOrderDeliveryRoutes } from './routes/admin/order-deliveries.js';
import { orderRoutes } from './routes/orders.js';
import { adminOfferPurchaseRoutes, offerRoutes } from './routes/item-currency-offers.js';
import { OFFER_KIND_APIS } from '../contract/item-currency-offers.js';
import { accountOfferRoutes } from './routes/account-offers.js';
import { adminAccountOfferPurchaseRoutes } from './routes/admin/account-offer-purchases.js';
import { adminWebhookRoutes } from './routes/admin/webhooks.js';
import { adminUserRoutes } from './routes/admin/users.js';
import { adminGameRoutes } from './routes/admin/games.js';
import { sandboxClockRoutes } from './routes/admin/sandbox-clock.js';
import { sandboxBuyerScriptRoutes } from './routes/admin/sandbox-buyer-scripts.js';
import { gameRoutes } from './routes/games.js';
import { streamRoutes, streamTokenRoutes } from './routes/streams.js';
import { disputeRoutes } from './routes/disputes.js';
import { webhookTriggerRoutes } from './routes/webhook-triggers.js';
import { adminApiKeyListRoutes } from './routes/admin/api-key-listing.js';
import { adminDisputeRoutes, adminOpenDisputeRoutes } from './routes/admin/disputes.js';
import { consoleRoutes, defaultConsoleDir } from './routes/console.js';
import { docsRoutes } from './routes/docs.js';
import { validatorCompiler } from './validation.js';
import { serializerCompiler } from './serialization.js';
import {
  clientErrorHandler,
  DEFAULT_HTTP_SERVER_LIMITS,
  frameworkErrorHandler,
  httpServerOptions,
  limitConnectionsPerAddress,
  type HttpServerLimits,
} from './transport.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  logger: FastifyBaseLogger | false;
  version: string;
  /** Time limits and the per-address connection cap; absent: DEFAULT_HTTP_SERVER_LIMITS. */
  http?: HttpServerLimits;
  /** PARLEY_ENV, told to the console (its sandbox tools); absent: production. */
  env?: 'sandbox' | 'production';
  /** Where the console's build is read from; absent: dist/web (routes/console.ts). */
  consoleDir?: string;
}

/**
 * Bodies are read as bytes and checked to be UTF-8 before they are decoded: decoding as a string
 * would replace bad bytes with U+FFFD, and the text acknowledged would not be the text sent.
 */
function registerBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // An empty JSON body is "no input" (Laravel), so a send without a body answers 422, not 400.
  app.addContentTypeParser(/^application\/([\w.-]+\+)?json/, { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (request, bytes, done) => {
    if (!isUtf8(bytes as Buffer)) return done(new MalformedRequestError(MALFORMED_BODY.notUtf8), undefined);
    const body = (bytes as Buffer).toString('utf8');
    if (body.trim() === '') return done(null, {});
    json(request, body, done);
  });
  // Laravel accepts forms too: `curl -d message=hi` works as it does against GameBoost.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, bytes, done) => {
    const text = (bytes as Buffer).toString('utf8');
    // Raw bytes, then %-escapes of bytes above 0x7f (URLSearchParams would turn bad ones into U+FFFD).
    if (!isUtf8(bytes as Buffer) || (hasHighByteEscape(text) && !percentDecodesToUtf8(bytes as Buffer))) {
      return done(new MalformedRequestError(MALFORMED_BODY.notUtf8), undefined);
    }
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });
}

/** preValidation: Laravel reads input only from a JSON object: no body, `null`, `[]` or `"text"` is empty input. */
function normalizeBodyHook(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const body = request.body;
  try {
    request.body = body !== null && typeof body === 'object' && !Array.isArray(body) ? normalizeInput(body) : {};
  } catch (error) {
    return done(error as Error); // MalformedRequestError: 400
  }
  done();
}

/**
 * The served document, built from the contract on first use (building it takes a throwaway
 * Fastify app's worth of memory a server that is never asked for it should not hold), once per
 * version in the process; the same function writes it to a file (`npm run openapi`).
 */
const openApiDocuments = new Map<string, Promise<string>>();
function openApiJson(version: string): Promise<string> {
  let built = openApiDocuments.get(version);
  if (built === undefined) {
    built = buildOpenApiDocument({ version }).then((document) => JSON.stringify(document));
    openApiDocuments.set(version, built);
    // A failed build is tried again on the next request.
    built.catch(() => openApiDocuments.delete(version));
  }
  return built;
}

export async function buildApp(context: ParleyContext, options: AppOptions): Promise<FastifyInstance> {
  const logger = options.logger;
  const logsRequests = fastifyLogsRequests(logger);
  // Fastify runs without a logger (no child logger per request, none of its two request lines):
  // request.log and app.log still reach the app's logger, and at info each request writes one
  // line of its own (requestLine).
  const quietLogger = logger === false ? null : logger;
  const limits = options.http ?? DEFAULT_HTTP_SERVER_LIMITS;
  const serverOptions = httpServerOptions(limits);
  const app = Fastify({
    logger: false,
    // Fastify's "incoming request" and "request completed" would go to request.log: requestLine instead.
    logController: new LogController({ disableRequestLogging: true }),
    ...(quietLogger ? { childLoggerFactory: lazyChildLoggerFactory(quietLogger) } : {}),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { querystringParser: parseQueryString },
    // Slow clients: a bounded time for the headers and for the whole request (Fastify's default is none).
    http: serverOptions,
    requestTimeout: serverOptions.requestTimeout,
    // At least 1 s: Fastify reads 0 as its own default (72 s), Node as "never".
    keepAliveTimeout: Math.max(1, limits.keepAliveTimeoutSeconds) * 1000,
    // What is refused below the routes answers in the Laravel shape too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  limitConnectionsPerAddress(app.server, limits.maxConnectionsPerIp);

  if (quietLogger) app.log = quietLogger;
  if (logsRequests) {
    app.addHook('onRequest', requestStart);
    app.addHook('onSend', requestLine(logger));
  }
  app.decorate('parley', context);
  app.decorateRequest('actor', null as unknown as Actor);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerBodyParsers(app);

  // Hooks in callback style: an async hook costs a promise per request, and these never wait.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-GameBoost-Request-Id', request.id);
    // HTTP/1.1 requires Host; Node's own check (switched off) would answer an empty 400.
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') return done(new MalformedRequestError('The Host header is required.'));
    done();
  });
  // Only routes that take a body get the input normalization (decided once, per route).
  app.addHook('onRoute', (route) => {
    if (route.schema?.body) route.preValidation = [normalizeBodyHook, ...[route.preValidation ?? []].flat()];
  });

  const openApi = (): Promise<string> => openApiJson(options.version);
  // A string payload goes out as it is: the response schema documents it, nothing re-serializes it.
  app.get(openApiOperation.url, { schema: openApiOperation.schema }, async (_request, reply) => reply.type('application/json; charset=utf-8').send(await openApi()));
  app.get(healthOperation.url, { schema: healthOperation.schema }, async () => ({ status: 'ok' as const }));
  // The API reference, rendered from that same document (routes/docs.ts).
  await app.register(docsRoutes(openApi));

  await app.register(async (v2) => {
    // Before the key is checked: preflights carry none (src/http/cors.ts).
    await registerCors(v2, context.cors?.public ?? null);
    v2.addHook('onRequest', authenticationHook(app, { adminOnly: false }));
    // With every limit off (PARLEY_RATE_LIMIT_*=0) there is nothing to count or to announce.
    if (Object.values(context.rateLimits).some((limit) => limit > 0)) v2.addHook('onRequest', rateLimitHook(app));
    registerIdempotency(v2, app);
    for (const api of ORDER_KIND_APIS) await v2.register(orderRoutes(api));
    await v2.register(gameRoutes);
    for (const api of OFFER_KIND_APIS) await v2.register(offerRoutes(api));
    await v2.register(accountOfferRoutes);
    await v2.register(disputeRoutes);
    await v2.register(webhookTriggerRoutes);
    if (context.live) await v2.register(streamTokenRoutes);
  }, { prefix: PUBLIC_PREFIX });
  // The streams authenticate on their own: a Bearer key, or a stream token (these routes only).
  if (context.live) await app.register(streamRoutes, { prefix: PUBLIC_PREFIX });

  await app.register(async (admin) => {
    await registerCors(admin, context.cors?.admin ?? null);
    admin.addHook('onRequest', authenticationHook(app, { adminOnly: true }));
    registerIdempotency(admin, app);
    await admin.register(adminUserRoutes);
    await admin.register(adminApiKeyListRoutes);
    await admin.register(adminGameRoutes);
    await admin.register(adminWebhookRoutes);
    await admin.register(sandboxClockRoutes);
    for (const api of ORDER_KIND_APIS) await admin.register(sandboxBuyerScriptRoutes(api));
    for (const api of ORDER_KIND_APIS) await admin.register(adminOrderRoutes(api));
    for (const api of ORDER_KIND_APIS) await admin.register(adminOrderDeliveryRoutes(api));
    for (const api of OFFER_KIND_APIS) await admin.register(adminOfferPurchaseRoutes(api));
    await admin.register(adminAccountOfferPurchaseRoutes);
    for (const api of ORDER_KIND_APIS) await admin.register(adminOpenDisputeRoutes(api));
    await admin.register(adminDisputeRoutes);
  }, { prefix: ADMIN_PREFIX });

  await app.register(consoleRoutes({ dir: options.consoleDir ?? defaultConsoleDir(), env: options.env ?? 'production' }));

  return app;
}
