import type { Kysely } from 'kysely';
import type { AttemptLog, DeliveryOutcome, DeliveryQueue, DueDelivery } from '../webhooks/delivery-queue.js';
import type { CredentialCipher } from './credential-cipher.js';
import type { Database } from './schema.js';

export class KyselyDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: CredentialCipher,
  ) {}

  async due(nowMs: number, limit: number): Promise<DueDelivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
      .select([
        'd.id', 'd.event_id', 'd.endpoint_id', 'd.attempts', 'ev.topic', 'ev.payload', 'e.url', 'e.secret',
        'e.previous_secret', 'e.previous_secret_expires_at',
      ])
      .where('d.state', '=', 'pending')
      .where('d.next_attempt_at_ms', '<=', nowMs)
      .where((eb) => eb.or([eb('d.lease_until_ms', 'is', null), eb('d.lease_until_ms', '<', nowMs)]))
      .where('e.deleted_at', 'is', null)
      .where('e.disabled_at', 'is', null)
      .orderBy('d.next_attempt_at_ms')
      .orderBy('d.id')
      .limit(limit)
      .execute();
    const now = Math.floor(nowMs / 1000);
    return rows.map((r) => {
      const secrets = [this.cipher.decrypt(r.secret)];
      if (r.previous_secret !== null && (r.previous_secret_expires_at ?? 0) > now) secrets.push(this.cipher.decrypt(r.previous_secret));
      return { id: r.id, eventId: r.event_id, topic: r.topic, body: r.payload, endpointId: r.endpoint_id, url: r.url, secrets, attempts: r.attempts };
    });
  }

  async lease(id: number, untilMs: number, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ lease_until_ms: untilMs })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until_ms', 'is', null), eb('lease_until_ms', '<', nowMs)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async settle(delivery: DueDelivery, attempt: AttemptLog, outcome: DeliveryOutcome): Promise<void> {
    const finishedAt = Math.floor(attempt.attemptedAtMs / 1000);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: delivery.id, endpoint_id: delivery.endpointId, event_id: delivery.eventId, attempt: attempt.attempt,
          attempted_at_ms: attempt.attemptedAtMs, status_code: attempt.statusCode, duration_ms: attempt.durationMs, error: attempt.error,
        })
        .execute();
      const update = trx.updateTable('webhook_deliveries').where('id', '=', delivery.id);
      switch (outcome.kind) {
        case 'succeeded':
          await update.set({ state: 'succeeded', attempts: attempt.attempt, lease_until_ms: null, finished_at: finishedAt }).execute();
          break;
        case 'retry':
          await update.set({ attempts: attempt.attempt, lease_until_ms: null, next_attempt_at_ms: outcome.nextAttemptAtMs }).execute();
          break;
        case 'failed':
        case 'gone':
          await update.set({ state: 'failed', attempts: attempt.attempt, lease_until_ms: null, finished_at: finishedAt }).execute();
          if (outcome.kind === 'gone') {
            await trx
              .updateTable('webhook_endpoints')
              .set({ disabled_at: finishedAt, disabled_reason: 'the receiver answered 410 Gone', updated_at: finishedAt })
              .where('id', '=', delivery.endpointId)
              .execute();
          }
          break;
      }
    });
  }
}
