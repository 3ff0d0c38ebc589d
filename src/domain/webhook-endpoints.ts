import { randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import type { WebhookTopic } from './events.js';
import type { Store, WebhookEndpointRecord } from './ports.js';

/** Decides whether a URL may receive events (https-only and no private addresses in production). */
export type UrlPolicy = (url: string) => Promise<string | null>;

export interface WebhookSettings {
  urlPolicy: UrlPolicy;
  /** How long a rotated-out secret still signs, in seconds (default a day). */
  secretGraceSeconds: number;
}

/**
 * Secrets are Standard Webhooks style, `whsec_` + base64 of 32 random bytes, so stock verifiers
 * take them as they are; the GameBoost `Signature` header uses the whole string as HMAC key.
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

async function checkUrl(settings: WebhookSettings, url: string | undefined, errors: FieldErrors): Promise<void> {
  if (url === undefined) return;
  const problem = await settings.urlPolicy(url);
  if (problem) errors.url = [problem];
}

/**
 * The URL rules on a new endpoint (`owner` given) or a change (`current` given). Re-enabling an
 * endpoint (`disabled: false` without a new `url`) checks its stored URL again: it may have been
 * registered under sandbox rules, or before the policy tightened.
 */
export async function checkWebhookEndpointInput(
  settings: WebhookSettings,
  input: { url?: string; disabled?: boolean },
  owner?: { role: string },
  current?: { url: string },
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  await checkUrl(settings, input.url ?? (input.disabled === false ? current?.url : undefined), errors);
  if (owner && owner.role !== 'seller') errors.user = ['Webhook endpoints belong to sellers.'];
  return errors;
}

export async function getWebhookEndpoint(store: Store, id: number): Promise<WebhookEndpointRecord> {
  const endpoint = await store.webhooks.findEndpoint(id);
  if (!endpoint) throw new NotFoundError();
  return endpoint;
}

export async function createWebhookEndpoint(
  store: Store,
  settings: WebhookSettings,
  userId: number,
  input: { url: string; description?: string | null; events: WebhookTopic[]; secret?: string | null },
): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
  const user = await store.users.findById(userId);
  if (!user) throw new NotFoundError();
  const errors = await checkWebhookEndpointInput(settings, input, user);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const secret = input.secret ?? generateWebhookSecret();
  const endpoint = await store.webhooks.createEndpoint({
    user_id: userId,
    url: input.url,
    description: input.description ?? null,
    events: [...new Set(input.events)],
    secret,
    created_at: store.clock.now(),
  });
  return { endpoint, secret };
}

export async function updateWebhookEndpoint(
  store: Store,
  settings: WebhookSettings,
  id: number,
  input: { url?: string; description?: string | null; events?: WebhookTopic[]; disabled?: boolean },
): Promise<WebhookEndpointRecord> {
  const now = store.clock.now();
  const current = await getWebhookEndpoint(store, id);
  const errors = await checkWebhookEndpointInput(settings, input, undefined, current);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return store.webhooks.updateEndpoint(id, {
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
    ...(input.disabled !== undefined ? { disabled_at: input.disabled ? now : null, disabled_reason: input.disabled ? 'disabled by an admin' : null } : {}),
    updated_at: now,
  });
}

export async function deleteWebhookEndpoint(store: Store, id: number): Promise<void> {
  await getWebhookEndpoint(store, id);
  const now = store.clock.now();
  await store.webhooks.updateEndpoint(id, { deleted_at: now, updated_at: now });
}

/** The old secret keeps signing (alongside the new one) until the grace period ends. */
export async function rotateWebhookSecret(
  store: Store,
  settings: WebhookSettings,
  id: number,
  input: { secret?: string | null; grace_period_seconds?: number | null },
): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
  const now = store.clock.now();
  const endpoint = await getWebhookEndpoint(store, id);
  const secret = input.secret ?? generateWebhookSecret();
  const grace = input.grace_period_seconds ?? settings.secretGraceSeconds;
  const updated = await store.webhooks.updateEndpoint(id, {
    secret,
    previous_secret: grace > 0 ? endpoint.secret : null,
    previous_secret_expires_at: grace > 0 ? now + grace : null,
    updated_at: now,
  });
  return { endpoint: updated, secret };
}

/** Queues a `webhook.test` event for one endpoint. */
export async function sendTestEvent(store: Store, id: number): Promise<string> {
  const endpoint = await getWebhookEndpoint(store, id);
  const eventId = await store.transaction((tx) => tx.outbox.publish({ type: 'webhook.test', userId: endpoint.user_id, endpointId: endpoint.id }));
  // A test event names its endpoint, so the outbox always stores it.
  if (eventId === null) throw new Error('the outbox stored no test event');
  return eventId;
}

/** Delivers an event again to every endpoint of its seller that subscribes to it now. */
export async function replayWebhookEvent(store: Store, eventId: string): Promise<{ deliveries: number }> {
  if (!/^evt_[0-9A-Z]{26}$/.test(eventId)) throw new NotFoundError();
  const deliveries = await store.transaction((tx) => tx.outbox.replay(eventId));
  if (deliveries === null) throw new NotFoundError();
  return { deliveries };
}
