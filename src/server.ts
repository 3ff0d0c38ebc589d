import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { CompiledQuery } from 'kysely';
import { createLogger } from './logging.js';
import { corsOriginsFor } from './http/cors.js';
import { adminTokenTooShort, ConfigError, MIN_ADMIN_TOKEN_LENGTH, type ParleyConfig } from './config.js';
import { ApiKeyAuthenticator, issueApiKey } from './domain/api-keys.js';
import { systemClock, type Clock } from './domain/clock.js';
import { MessageIdGenerator } from './domain/message-id.js';
import { seedDemo, type DemoSeed } from './domain/demo-seed.js';
import { ensureAdminUser } from './domain/user-accounts.js';
import { buildApp } from './http/app.js';
import { createChangeFeed } from './changes/create-change-feed.js';
import { changeOf } from './changes/domain-changes.js';
import type { DomainEvent } from './domain/events.js';
import { createRateLimitStore } from './rate-limit/create-rate-limit-store.js';
import { openDatabase, SqliteStartupLock, withStartupLock } from './store/database.js';
import { CredentialCipher, loadOrCreateKey } from './store/credential-cipher.js';
import { KyselyDeliveryQueue } from './store/delivery-queue.js';
import { resealLegacyValues } from './store/sealed-values.js';
import { GroupCommitter } from './store/group-commit.js';
import { PgGroupCommitter } from './store/pg-group-commit.js';
import { ENDPOINTS_AT_FULL_CONCURRENCY, WebhookDeliveryWorker } from './webhooks/delivery-worker.js';
import { formatOnce, formatWebhookEvent } from './contract/webhook-events.js';
import { createUrlPolicy } from './webhooks/url-policy.js';
import { createKyselyStore } from './store/kysely-store.js';
import { postgresRunners, sqliteRunners, withBatchedVersionReads } from './store/query-runner.js';
import { hotQueries } from './store/hot-queries.js';
import { migrateToLatest } from './store/migrations.js';
import { eventLogStore, eventLogWriter } from './store/event-log-store.js';
import { startLiveStreams } from './live/live-streams.js';
import { KyselyJobQueue } from './store/job-store.js';
import { KyselyClockStateStore } from './store/sandbox-clock-store.js';
import { Scheduler } from './scheduler/scheduler.js';
import { jobHandlerFor } from './domain/job-handlers.js';
import { OffsetClock } from './sandbox/offset-clock.js';
import { startSandbox } from './sandbox/start-sandbox.js';
import { withBuyerChatLimit } from './sandbox/buyer-chat-limit.js';
import { withEventReactions } from './sandbox/event-reactions.js';
import { ScriptPresence } from './sandbox/script-presence.js';
import { reactToEvent } from './domain/buyer-script.js';

/** package.json sits above src/ when run from source and above dist/src/ when compiled. */
function readVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) return JSON.parse(fs.readFileSync(candidate, 'utf8')).version;
    const parent = path.dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

export const VERSION = readVersion();

export interface RunningParley {
  app: FastifyInstance;
  url: string;
  /** Present only on the first start of an empty database. */
  firstStart: { demo: DemoSeed | null; adminToken: string | null } | null;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The one clock of the application (default: the system's); tests hand in one they move. */
  clock?: Clock;
}

/** Opens and migrates the database, seeds a fresh one, and listens. */
export async function startParley(config: ParleyConfig, options: StartOptions = {}): Promise<RunningParley> {
  // SQLite: processes starting together on one file migrate, key and bootstrap it one at a time
  // (PostgreSQL has advisory locks for that, below).
  const lock = config.database.dialect === 'sqlite' ? SqliteStartupLock.acquire(config.database.file) : null;
  try {
    return await startParleyLocked(config, options.clock ?? systemClock, () => lock?.release());
  } finally {
    lock?.release();
  }
}

/**
 * What start-up has opened, each with its close, pushed as it starts: a start that fails closes
 * them in reverse order, and so does the running server's close().
 */
class CloseStack {
  private readonly closers: (() => Promise<void>)[] = [];

  push(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /** Closes everything, last opened first; each close runs even if one before it failed (the first error is thrown). */
  async closeAll(): Promise<void> {
    let failure: { error: unknown } | null = null;
    for (let close = this.closers.pop(); close; close = this.closers.pop()) {
      try {
        await close();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

async function startParleyLocked(config: ParleyConfig, clock: Clock, releaseStartLock: () => void): Promise<RunningParley> {
  if (config.database.dialect === 'postgres' && config.encryptionKey === null) {
    throw new ConfigError('PARLEY_ENCRYPTION_KEY is required with PostgreSQL: every instance must seal credentials with the same key');
  }
  const opened = new CloseStack();
  try {
    return await startComponents(config, clock, releaseStartLock, opened);
  } catch (error) {
    // The start's own error is the one to report, not a close's.
    await opened.closeAll().catch(() => undefined);
    throw error;
  }
}

async function startComponents(config: ParleyConfig, clock: Clock, releaseStartLock: () => void, opened: CloseStack): Promise<RunningParley> {
  const { db, close: closeDb, dialect, sqlite, setQueryTimeout } = openDatabase(config.database);
  opened.push(closeDb);
  await migrateToLatest(db, dialect);
  // The sandbox's clock is the given one plus a stored offset (test clocks, src/sandbox); in
  // production the given clock is the application's as is.
  const sandboxClock = config.env === 'sandbox' ? new OffsetClock(clock) : null;
  if (sandboxClock) {
    // Loaded before anything reads the clock (start-up writes timestamps too); kept fresh by startSandbox.
    sandboxClock.setOffset((await new KyselyClockStateStore(db).load()).offsetMs);
    clock = sandboxClock;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  // Before seeding: a first start that cannot reach Redis must not seed and lose the once-shown keys.
  const rateLimitStore = await createRateLimitStore(config.redisUrl, clock, {
    namespace: config.redisNamespace ?? undefined,
    timeoutMs: config.redisTimeoutMs,
    onError: (error) => logger.error({ err: error }, 'Redis (rate limits): connection error'),
  });
  opened.push(() => rateLimitStore.close());
  // PostgreSQL always has PARLEY_ENCRYPTION_KEY (checked above): no key file is read or written.
  const { key, generated } = loadOrCreateKey(config.encryptionKey, config.database.dialect === 'sqlite' ? config.database.file : ':memory:');
  if (generated) {
    logger.warn(
      { keyFile: generated },
      'PARLEY_ENCRYPTION_KEY is not set: generated a credentials key and stored it beside the database. ' +
        'Back it up with the database; without it, stored credentials cannot be read.',
    );
  }
  const cipher = new CredentialCipher(key);
  // Values sealed before they were bound to their rows, re-sealed once (0006_sealed_row_binding
  // leaves the task: it needs the key), before anything reads them and under the start-up lock.
  const resealed = await withStartupLock(db, dialect, () => resealLegacyValues(db, cipher));
  if (resealed > 0) logger.info({ resealed }, 'sealed values re-sealed, bound to their rows');
  // Migrations and the start-up lock are done: from here on no query waits on PostgreSQL for more
  // than PARLEY_PG_QUERY_TIMEOUT_MS (a paused server, a dropped network path), it answers 503.
  setQueryTimeout(config.postgresQueryTimeoutMs);
  if (adminTokenTooShort(config.adminToken)) {
    logger.warn(
      { length: config.adminToken!.length, minimum: MIN_ADMIN_TOKEN_LENGTH },
      `PARLEY_ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters: it opens every order and the operator API; ` +
        'use a long random one (openssl rand -hex 32). PARLEY_ENV=production refuses to start with it.',
    );
  }
  const changes = await createChangeFeed({
    redisUrl: config.redisUrl,
    redisNamespace: config.redisNamespace,
    redisTimeoutMs: config.redisTimeoutMs,
    // NOTIFY goes through the app's own pool; LISTEN holds one connection of the feed's own.
    postgres: config.database.dialect === 'postgres'
      ? { connectionString: config.database.url, query: (text, values) => db.executeQuery(CompiledQuery.raw(text, values)) }
      : null,
    onError: (error) => logger.error({ err: error }, 'change feed'),
  });
  opened.push(() => changes.close());
  // One group commit per SQLite connection: requests and the webhook worker share its batches.
  const committer = sqlite ? new GroupCommitter(db, sqlite.writer) : null;
  // After the commit: other instances (and live views) hear of new messages and status moves.
  // Never awaited: a reply does not wait for the feed. Failures are logged once per 10 s with a
  // count, since during an outage every commit would log one.
  let publishFailures = { loggedAt: 0, since: 0 };
  const publishFailed = (error: unknown) => {
    const now = Date.now();
    if (now - publishFailures.loggedAt < 10_000) {
      publishFailures.since++;
      return;
    }
    logger.error({ err: error, alsoFailedSinceLastLog: publishFailures.since }, 'change feed: publish failed');
    publishFailures = { loggedAt: now, since: 0 };
  };
  // Set once the webhook worker exists: a commit that may have queued deliveries wakes it.
  let wakeWebhookWorker = () => {};
  // Set once the live streams exist: purchases and disputes tell them (messages already travel on the feed).
  let tellLiveStreams: (events: DomainEvent[]) => void = () => {};
  // Precompiled statements straight to SQLite (reads on its read-only connection), or through the pool.
  const queries = hotQueries(db, dialect);
  const runners = sqlite ? sqliteRunners(db, sqlite.writer, sqlite.reader) : withBatchedVersionReads(postgresRunners(db), queries.versionReads!);
  // One formatting per event for the outbox and the log.
  const formatEvent = formatOnce(formatWebhookEvent);
  const onCommitted = (events: DomainEvent[], queuedDeliveries: boolean) => {
    if (queuedDeliveries) wakeWebhookWorker();
    tellLiveStreams(events);
    for (const event of events) {
      const change = changeOf(event);
      if (change) changes.publish(change).catch(publishFailed);
    }
  };
  const baseStore = createKyselyStore(db, {
    clock,
    eventLog: eventLogWriter(db, runners, formatEvent),
    messageIds: new MessageIdGenerator(),
    onCommitted,
    cipher,
    formatEvent,
    committer,
    // PostgreSQL: sends arriving together share one transaction and one COMMIT (pg-group-commit.ts).
    sharedCommits: dialect === 'postgres' ? new PgGroupCommitter(db) : null,
    fast: { runners, queries },
    lockRows: dialect === 'postgres',
  });
  // The sandbox's scripted buyers react to events inside the transactions that publish them.
  const scripts = new ScriptPresence();
  const store = sandboxClock ? withEventReactions(baseStore, scripts.guard(reactToEvent)) : baseStore;
  const orderSettings = { eurUsdRate: config.eurUsdRate };
  const live = startLiveStreams({
    log: eventLogStore(db, dialect, runners.read),
    changes,
    clock,
    secret: key,
    settings: config.streams,
    onError: (error, what) => logger.error({ err: error }, what),
  });
  opened.push(async () => live.close());
  tellLiveStreams = (events) => live.committed(events);

  // One instance at a time (PostgreSQL): instances starting together on an empty database seed it once.
  const { adminUser, firstStart } = await withStartupLock(db, dialect, async () => {
    const empty = (await store.users.count()) === 0;
    const adminUser = await ensureAdminUser(store);
    let firstStart: RunningParley['firstStart'] = null;
    if (empty) {
      const adminKey = config.adminToken === null
        ? await issueApiKey(store, adminUser.id, { name: 'generated on first start', expires_at: null })
        : null;
      const demo = config.seedDemo ? await seedDemo(store, orderSettings) : null;
      firstStart = { demo, adminToken: adminKey?.token ?? null };
    }
    return { adminUser, firstStart };
  });
  releaseStartLock();

  const authenticator = new ApiKeyAuthenticator(store, { admin: { token: config.adminToken, user: adminUser }, cacheSeconds: config.authCacheSeconds });
  // A key revoked on any instance is forgotten by every instance's cache; after a lost
  // connection (notifications may be missing), everything cached is read again.
  changes.subscribe((change) => {
    if (change.type === 'api_key.revoked') authenticator.forgetKey(change.keyHash);
    else if (change.type === 'resync') authenticator.forgetAll();
  });

  // Time-based work (auto-completion, deadlines, buyer steps), on every instance, in production too.
  const jobQueue = new KyselyJobQueue(db, dialect, committer);
  // A scripted buyer's replies count against the chat limit like a real buyer's.
  const handlers = withBuyerChatLimit(jobHandlerFor, rateLimitStore, config.rateLimits.chat);
  const scheduler = new Scheduler(store, jobQueue, handlers, clock, logger);
  const sandbox = sandboxClock
    ? await startSandbox({
      clock: sandboxClock, state: new KyselyClockStateStore(db), store, scripts, queue: jobQueue, scheduler, changes,
      // Webhook retries that the new time makes due go out now, not at the next poll.
      poke: () => void worker.pollOnce(),
      onError: (error) => logger.error({ err: error }, 'sandbox clock'),
    })
    : null;
  if (sandbox) opened.push(() => sandbox.close());

  const app = await buildApp(
    {
      clock,
      sandbox,
      store,
      authenticator,
      changes,
      rateLimits: config.rateLimits,
      rateLimitStore,
      authFailuresPerMinute: config.authFailuresPerMinute,
      idempotencyTtlSeconds: config.idempotencyTtlSeconds,
      cors: { public: corsOriginsFor('public', config.corsOrigins, config.env), admin: corsOriginsFor('admin', config.corsOrigins, config.env) },
      orderSettings,
      webhookSettings: { urlPolicy: createUrlPolicy(config.env), secretGraceSeconds: config.webhooks.secretGraceSeconds },
      live,
    },
    { logger, version: VERSION, http: config.http, env: config.env },
  );
  opened.push(() => app.close());
  const worker = new WebhookDeliveryWorker(
    new KyselyDeliveryQueue(db, cipher, dialect, committer, runners),
    { ...config.webhooks, env: config.env, maxResponseBytes: 64 * 1024,
      maxInFlight: ENDPOINTS_AT_FULL_CONCURRENCY * config.webhooks.concurrency, maxInFlightPerEndpoint: config.webhooks.concurrency,
      retentionSeconds: config.webhooks.retentionDays * 86_400, pruneEveryMs: 10 * 60_000 },
    logger,
    clock,
  );
  wakeWebhookWorker = () => worker.wake();
  opened.push(() => worker.stop());
  if (config.webhooks.leaseMs <= config.webhooks.timeoutMs) {
    logger.warn(
      { leaseMs: config.webhooks.leaseMs, timeoutMs: config.webhooks.timeoutMs },
      'PARLEY_WEBHOOK_LEASE_MS is not above the webhook timeout: with several instances a slow attempt can be sent twice',
    );
  }
  const address = await app.listen({ host: config.host, port: config.port });
  worker.start();
  opened.push(() => scheduler.stop());
  scheduler.start();
  return {
    app,
    url: address,
    firstStart,
    close: () => opened.closeAll(),
  };
}
