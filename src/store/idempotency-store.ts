import { IdempotencyKeyInUse, unrecordedRequest, type IdempotencyStore } from '../domain/idempotency.js';
import type { Store } from '../domain/ports.js';
import { isUniqueViolation } from './database-errors.js';
import { readRunner, writeRunner, type FastPath } from './fast-path.js';
import type { Db } from './kysely-store.js';
import { param, precompile, type PrecompiledQuery } from './precompiled-query.js';

type KeyArgs = { scope: string; key: string };
interface FoundRow { fingerprint: string; status: number | null; body: string | null; content_type: string | null; expires_at: number }

type InsertArgs = KeyArgs & { fingerprint: string; status: number | null; body: string | null; contentType: string | null; createdAt: number; expiresAt: number };

interface KeyQueries {
  lookup: PrecompiledQuery<KeyArgs>;
  insert: PrecompiledQuery<InsertArgs>;
}

/** The lookup and the insert every keyed request makes, compiled once per application (its dialect). */
const compiled = new WeakMap<FastPath, KeyQueries>();

function queriesOf(db: Db, fast: FastPath): KeyQueries {
  let queries = compiled.get(fast);
  if (!queries) {
    queries = {
      lookup: precompile<KeyArgs>(db
        .selectFrom('idempotency_keys')
        .select(['fingerprint', 'status', 'body', 'content_type', 'expires_at'])
        .where('scope', '=', param('scope'))
        .where('idempotency_key', '=', param('key'))),
      insert: precompile<InsertArgs>(db.insertInto('idempotency_keys').values({
        scope: param('scope'), idempotency_key: param('key'), fingerprint: param('fingerprint'), status: param('status'),
        body: param('body'), content_type: param('contentType'), created_at: param('createdAt'), expires_at: param('expiresAt'),
      })),
    };
    compiled.set(fast, queries);
  }
  return queries;
}

/**
 * Idempotency keys and their stored answers (table idempotency_keys, migration 0016). Inside a
 * transaction every statement joins it: that is how a key commits together with its write.
 * Outside one, the lookup reads committed rows on the read runner (SQLite's read-only
 * connection: it never waits for a group commit holding the writer).
 */
export function idempotencyStore(db: Db, fast: FastPath): IdempotencyStore {
  return {
    async find(ref) {
      const row = await readRunner(db, fast).first<FoundRow, KeyArgs>(queriesOf(db, fast).lookup, { scope: ref.scope, key: ref.key });
      if (!row) return undefined;
      const answer = row.status === null || row.body === null ? null : { status: Number(row.status), body: row.body, contentType: row.content_type };
      return { fingerprint: row.fingerprint, answer, expiresAt: Number(row.expires_at) };
    },
    async insert(ref, row) {
      // Inside the write's transaction (SQLite: straight to the writer the batch holds).
      await writeRunner(db, fast)
        .run(queriesOf(db, fast).insert, {
          scope: ref.scope, key: ref.key, fingerprint: row.fingerprint,
          status: row.answer?.status ?? null, body: row.answer?.body ?? null, contentType: row.answer?.contentType ?? null,
          createdAt: row.createdAt, expiresAt: row.expiresAt,
        })
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

/** Methods of the store's parts that only read (everything else writes). */
const READS = /^(find|list|count|has|last|all|first|credentialTexts)/;
/** Store members that are not parts with writes to record. */
const NOT_RECORDED = new Set(['clock', 'messageIds', 'idempotency']);

/**
 * The root store, with every write method of its parts run, for a keyed request no write has
 * recorded yet, in a transaction that records the key with it (`Store.transaction`): a single
 * write outside a transaction (creating a user, say) commits with its key as well. Without a
 * keyed request in the caller's context, each method is the part's own, called directly.
 */
export function recordingWrites(store: Store): Store {
  const out: Record<string, unknown> = { ...store };
  for (const [name, part] of Object.entries(store)) {
    if (NOT_RECORDED.has(name) || part === null || typeof part !== 'object') continue;
    const wrapper = Object.create(part) as Record<string, unknown>;
    for (const method of methodNames(part)) {
      if (READS.test(method)) continue;
      const own = (part as Record<string, (...args: unknown[]) => unknown>)[method]!;
      wrapper[method] = (...args: unknown[]) =>
        unrecordedRequest()
          ? store.transaction((tx) => (tx as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[name]![method]!(...args))
          : own.apply(part, args);
    }
    out[name] = wrapper;
  }
  return out as unknown as Store;
}

/** Own and inherited method names (object literals and class instances alike). */
function methodNames(object: object): string[] {
  const names = new Set<string>();
  for (let proto: object | null = object; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof (object as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}
