import { Type } from 'typebox';
import { WEBHOOK_TOPICS } from '../domain/events.js';
import type { WebhookEndpointRecord } from '../domain/ports.js';
import { USER_ROLES } from '../domain/users.js';
import { MAX_UNIX_SECONDS, Nullable, StringEnum } from './common.js';

/** The operator API's own resources (/admin/v1): Parley's, not GameBoost's. */
const Strict = { additionalProperties: false } as const;

export const UserSchema = Type.Object(
  { id: Type.Integer(), username: Type.String(), role: StringEnum(USER_ROLES), created_at: Type.Integer() },
  { ...Strict, description: 'A seller, a buyer or an admin' },
);

export const CreateUserBody = Type.Object({
  username: Type.String({ maxLength: 255, pattern: '^[A-Za-z0-9_.-]+$', description: 'Letters, digits, dot, dash, underscore' }),
  role: StringEnum(USER_ROLES),
});

export const CreateApiKeyBody = Type.Object({
  name: Type.String({ maxLength: 255 }),
  expires_at: Type.Optional(Nullable(Type.Integer({ maximum: MAX_UNIX_SECONDS, description: 'Unix seconds; must be in the future. null or absent: never expires' }))),
});

export const IssuedKeySchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    token: Type.String({ description: 'The bearer token. Shown once: only its hash is stored.' }),
    expires_at: Nullable(Type.Integer()),
    created_at: Type.Integer(),
  },
  { ...Strict, description: 'A new API key with its token' },
);

export const WebhookTopics = Type.Array(StringEnum(WEBHOOK_TOPICS), { minItems: 1, maxItems: WEBHOOK_TOPICS.length });
export const WebhookSecret = Type.String({
  minLength: 16, maxLength: 255,
  description: 'A caller-chosen secret (some receivers already hold one); default: a generated whsec_ secret',
});

export const WebhookEndpointSchema = Type.Object(
  {
    id: Type.Integer(),
    user_id: Type.Integer(),
    url: Type.String(),
    description: Nullable(Type.String()),
    events: Type.Array(Type.String()),
    disabled: Type.Boolean(),
    disabled_reason: Nullable(Type.String()),
    previous_secret_expires_at: Nullable(Type.Integer({ description: 'Until then the old secret signs too' })),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
  },
  { ...Strict, description: "A seller's webhook endpoint" },
);
export const WebhookEndpointWithSecret = Type.Object(
  { ...WebhookEndpointSchema.properties, secret: Type.String({ description: 'Shown once' }) },
  { ...Strict, description: 'A webhook endpoint with its signing secret' },
);

export const WebhookAttemptSchema = Type.Object(
  {
    id: Type.Integer(),
    event_id: Type.String(),
    topic: Type.String(),
    attempt: Type.Integer(),
    attempted_at: Type.Integer({ description: 'Unix seconds' }),
    status_code: Nullable(Type.Integer()),
    duration_ms: Type.Integer(),
    error: Nullable(Type.String()),
  },
  { ...Strict, description: 'One delivery attempt of a webhook event' },
);

export function toWebhookEndpointResource(e: WebhookEndpointRecord) {
  return {
    id: e.id,
    user_id: e.user_id,
    url: e.url,
    description: e.description,
    events: e.events,
    disabled: e.disabled_at !== null,
    disabled_reason: e.disabled_reason,
    previous_secret_expires_at: e.previous_secret_expires_at,
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}
