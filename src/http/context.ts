import type { ChangeFeed } from '../changes/change-feed.js';
import type { ApiKeyAuthenticator } from '../domain/api-keys.js';
import type { Clock } from '../domain/clock.js';
import type { OrderSettings } from '../domain/orders.js';
import type { WebhookSettings } from '../domain/webhook-endpoints.js';
import type { Store } from '../domain/ports.js';
import type { Actor } from '../domain/users.js';
import type { RateLimitConfig } from '../config.js';
import type { RateLimitStore } from '../rate-limit/rate-limit-store.js';
import type { LiveStreams } from '../live/live-streams.js';
import type { SandboxServices } from '../sandbox/services.js';

/** Everything the routes reach for, handed to the app once at start-up. */
export interface ParleyContext {
  /** The application's clock, the same as `store.clock`: every reader of the time of day uses it. */
  clock: Clock;
  store: Store;
  authenticator: ApiKeyAuthenticator;
  /** Shared by every instance: revocations (and, later, live updates) travel on it. */
  changes: ChangeFeed;
  rateLimits: RateLimitConfig;
  rateLimitStore: RateLimitStore;
  /** Failed authentications per client address and minute before 429s (authentication.ts); 0 or absent: off. */
  authFailuresPerMinute?: number;
  orderSettings: OrderSettings;
  webhookSettings: WebhookSettings;
  /** Live event streams and their tokens (src/live); absent: the stream routes are not served. */
  live?: LiveStreams;
  /** PARLEY_ENV=sandbox only (test clock, scripted buyers); null or absent in production. */
  sandbox?: SandboxServices | null;
  /** How long an Idempotency-Key's answer is kept (PARLEY_IDEMPOTENCY_TTL_SECONDS); absent: 24 h. */
  idempotencyTtlSeconds?: number;
  /** The origins each API answers cross-origin (src/http/cors.ts); absent or null: none. */
  cors?: { public: '*' | string[] | null; admin: '*' | string[] | null };
}

declare module 'fastify' {
  interface FastifyInstance {
    parley: ParleyContext;
  }
  interface FastifyRequest {
    /** Set by the authentication hook on every /v2 and /admin/v1 route. */
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** Counts against the chat bucket (listing and sending messages). */
    chat?: boolean;
  }
}
