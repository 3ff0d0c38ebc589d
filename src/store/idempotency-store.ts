import type { IdempotencyStore } from '../domain/idempotency.js';
import { IdempotencyKeyInUse } from '../domain/idempotency.js';
import { isUniqueViolation } from './database-errors.js';
import type { Db } from './kysely-store.js';

/**
 * Idempotency keys and their stored answers (table idempotency_keys, migration 0016). Inside a
 * transaction every statement joins it: that is how a key commits together with its write.
 */
export function idempotencyStore(db: Db): IdempotencyStore {
  const byRef = (ref: { scope: string; key: string }) => ({ scope: ref.scope, idempotency_key: ref.key });
  return {
    async find(ref) {
      const row = await db
        .selectFrom('idempotency_keys')
        .select(['fingerprint', 'status', 'body', 'content_type', 'expires_at'])
        .where('scope', '=', ref.scope)
        .where('idempotency_key', '=', ref.key)
        .executeTakeFirst();
      if (!row) return undefined;
      const answer = row.status === null || row.body === null ? null : { status: Number(row.status), body: row.body, contentType: row.content_type };
      return { fingerprint: row.fingerprint, answer, expiresAt: Number(row.expires_at) };
    },
    async insert(ref, row) {
      await db
        .insertInto('idempotency_keys')
        .values({
          ...byRef(ref),
          fingerprint: row.fingerprint,
          status: row.answer?.status ?? null,
          body: row.answer?.body ?? null,
          content_type: row.answer?.contentType ?? null,
          created_at: row.createdAt,
          expires_at: row.expiresAt,
        })
        .execute()
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? new IdempotencyKeyInUse() : error;
        });
    },
    async answer(ref, answer) {
      await db
        .updateTable('idempotency_keys')
        .set({ status: answer.status, body: answer.body, content_type: answer.contentType })
        .where('scope', '=', ref.scope)
        .where('idempotency_key', '=', ref.key)
        .execute();
    },
    async removeExpired(ref, nowMs) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', ref.scope)
        .where('idempotency_key', '=', ref.key)
        .where('expires_at', '<=', nowMs)
        .execute();
    },
    async purgeExpired(nowMs) {
      const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
