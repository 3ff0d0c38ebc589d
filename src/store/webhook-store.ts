import type { Kysely, Selectable } from 'kysely';
import { unixSeconds, type Clock } from '../domain/clock.js';
import { TEST_TOPIC, type DomainEvent } from '../domain/events.js';
import type { MessageIdGenerator } from '../domain/message-id.js';
import type { OutboxStore, WebhookEndpointRecord, WebhookStore } from '../domain/ports.js';
import { webhookBody, type EventFormatter } from '../contract/webhook-events.js';
import type { CredentialCipher, SealedAt } from './credential-cipher.js';
import type { Database, WebhookEndpointsTable } from './schema.js';
import { readRunner, writeRunner, type FastPath } from './fast-path.js';
import type { Db } from './kysely-store.js';
import type { EndpointPrefetch, LiveEndpointRow } from './pg-endpoint-prefetch.js';


/** Where an endpoint's sealed secrets live: each opens only in its own row and column. */
export const secretOf = (id: number): SealedAt => ({ table: 'webhook_endpoints', column: 'secret', id });
export const previousSecretOf = (id: number): SealedAt => ({ table: 'webhook_endpoints', column: 'previous_secret', id });

function toEndpoint(row: Selectable<WebhookEndpointsTable>, cipher: CredentialCipher): WebhookEndpointRecord {
  return {
    ...row,
    events: JSON.parse(row.events) as string[],
    secret: cipher.decrypt(row.secret, secretOf(row.id)),
    previous_secret: row.previous_secret === null ? null : cipher.decrypt(row.previous_secret, previousSecretOf(row.id)),
  };
}

export function webhookStore(db: Db, cipher: CredentialCipher): WebhookStore {
  const store: WebhookStore = {
    async createEndpoint(endpoint) {
      // The sealed secret names its row: the row first (no value opens as its secret meanwhile,
      // and the transaction shows it to no one before it is sealed), then the secret.
      const write = async (tx: Db) => {
        const { id } = await tx
          .insertInto('webhook_endpoints')
          .values({ ...endpoint, events: JSON.stringify(endpoint.events), secret: '', updated_at: endpoint.created_at })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx.updateTable('webhook_endpoints').set({ secret: cipher.encrypt(endpoint.secret, secretOf(id)) }).where('id', '=', id).execute();
        return id;
      };
      const id = db.isTransaction ? await write(db) : await (db as Kysely<Database>).transaction().execute(write);
      return (await store.findEndpoint(id))!;
    },
    async findEndpoint(id) {
      const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      return row && toEndpoint(row, cipher);
    },
    async listEndpoints(userId) {
      const rows = await db.selectFrom('webhook_endpoints').selectAll().where('user_id', '=', userId).where('deleted_at', 'is', null).orderBy('id').execute();
      return rows.map((r) => toEndpoint(r, cipher));
    },
    async updateEndpoint(id, patch) {
      const { events, secret, previous_secret, ...plain } = patch;
      await db
        .updateTable('webhook_endpoints')
        .set({
          ...plain,
          ...(events !== undefined ? { events: JSON.stringify(events) } : {}),
          ...(secret !== undefined ? { secret: cipher.encrypt(secret, secretOf(id)) } : {}),
          ...(previous_secret !== undefined ? { previous_secret: previous_secret === null ? null : cipher.encrypt(previous_secret, previousSecretOf(id)) } : {}),
        })
        .where('id', '=', id)
        .execute();
      const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return toEndpoint(row, cipher);
    },
    async listAttempts(endpointId, offset, limit) {
      const { total } = await db
        .selectFrom('webhook_attempts')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where('endpoint_id', '=', endpointId)
        .executeTakeFirstOrThrow();
      const rows = await db
        .selectFrom('webhook_attempts')
        .innerJoin('webhook_events', 'webhook_events.id', 'webhook_attempts.event_id')
        .select([
          'webhook_attempts.id', 'webhook_attempts.delivery_id', 'webhook_attempts.event_id', 'webhook_events.topic',
          'webhook_attempts.attempt', 'webhook_attempts.attempted_at_ms', 'webhook_attempts.status_code',
          'webhook_attempts.duration_ms', 'webhook_attempts.error',
        ])
        .where('webhook_attempts.endpoint_id', '=', endpointId)
        .orderBy('webhook_attempts.id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return { rows, total: Number(total) };
    },
  };
  return store;
}

/** Pending deliveries for the endpoints of `userId` that take `topic` now. */
async function liveEndpoints(db: Db, userId: number, only: number | undefined, fast: FastPath, prefetch: EndpointPrefetch | null = null): Promise<LiveEndpointRow[]> {
  if (only === undefined) return (await prefetch?.of(userId)) ?? readRunner(db, fast).all(fast.queries.liveEndpointsOfUser, { user_id: userId });
  let endpoints = db
    .selectFrom('webhook_endpoints')
    .select(['id', 'events'])
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .where('disabled_at', 'is', null);
  if (only !== undefined) endpoints = endpoints.where('id', '=', only);
  return endpoints.execute();
}

/** The live endpoints of `userId` that take `topic` now (or just `only`, whatever it takes). */
async function targetsOf(db: Db, topic: string, userId: number, only: number | undefined, fast: FastPath, prefetch: EndpointPrefetch | null = null): Promise<number[]> {
  const endpoints = await liveEndpoints(db, userId, only, fast, prefetch);
  return endpoints.filter((e) => only !== undefined || (JSON.parse(e.events) as string[]).includes(topic)).map((e) => e.id);
}

async function insertDeliveries(db: Db, eventId: string, targets: number[], now: number, fast: FastPath): Promise<number> {
  if (targets.length === 0) return 0;
  if (targets.length === 1) {
    // The common case (one endpoint takes the topic): a statement prepared once, not built per send.
    await writeRunner(db, fast).run(fast.queries.insertDelivery, { event_id: eventId, endpoint_id: targets[0]!, next_attempt_at_ms: now * 1000, created_at: now });
    return 1;
  }
  await db
    .insertInto('webhook_deliveries')
    .values(targets.map((endpointId) => ({
      event_id: eventId, endpoint_id: endpointId, state: 'pending', attempts: 0,
      next_attempt_at_ms: now * 1000, lease_until_ms: null, created_at: now, finished_at: null,
    })))
    .execute();
  return targets.length;
}

export function outboxStore(
  db: Db, formatEvent: EventFormatter, fast: FastPath, clock: Clock, messageIds: MessageIdGenerator, prefetch: EndpointPrefetch | null = null,
): OutboxStore {
  const publish = async (event: DomainEvent, targetsCache: Map<string, Promise<number[]>> | null): Promise<string | null> => {
    const formatted = formatEvent(event);
    let targets: Promise<number[]>;
    const cacheKey = `${formatted.userId}:${formatted.topic}:${formatted.endpointId ?? ''}`;
    const cached = targetsCache?.get(cacheKey);
    if (cached) {
      targets = cached;
    } else {
      targets = targetsOf(db, formatted.topic, formatted.userId, formatted.endpointId, fast, prefetch);
      targetsCache?.set(cacheKey, targets);
    }
    const endpoints = await targets;
    // An event no endpoint takes is not stored: nothing would deliver or replay it. (A test
    // event names its endpoint and is always stored, for the delivery log.)
    if (endpoints.length === 0 && formatted.endpointId === undefined) return null;
    const nowMs = clock.nowMs();
    const id = `evt_${messageIds.next(nowMs)}`;
    const now = unixSeconds(nowMs);
    // Compact JSON with keys in the serializers' fixed order: the exact bytes that get signed.
    const body = webhookBody(formatted);
    const row = { id, topic: formatted.topic, user_id: formatted.userId, payload: body, created_at: now };
    await writeRunner(db, fast).run(fast.queries.insertEvent, row);
    await insertDeliveries(db, id, endpoints, now, fast);
    return id;
  };
  return {
    publish: (event) => publish(event, null),
    async publishAll(events) {
      // Publishing writes events and deliveries only, never endpoints: one lookup per user serves all.
      const targetsCache = new Map<string, Promise<number[]>>();
      const ids: (string | null)[] = [];
      for (const event of events) ids.push(await publish(event, targetsCache));
      return ids;
    },
    async replay(eventId) {
      const event = await db.selectFrom('webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
      if (!event) return null;
      // A test event goes back to the one endpoint it was for, whatever that endpoint subscribes to.
      const only = event.topic === TEST_TOPIC ? Number((JSON.parse(event.payload) as { payload: { endpoint_id: number } }).payload.endpoint_id) : undefined;
      return insertDeliveries(db, event.id, await targetsOf(db, event.topic, event.user_id, only, fast), clock.now(), fast);
    },
  };
}

export type { Database };
