import type { Kysely, Transaction } from 'kysely';
import type { AttemptLog, ClaimFilter, DeliveryOutcome, DeliveryQueue, DueDelivery, Settlement } from '../webhooks/delivery-queue.js';
import type { CredentialCipher } from './credential-cipher.js';
import { previousSecretOf, secretOf } from './webhook-store.js';
import type { DialectName } from './database.js';
import type { GroupCommitter } from './group-commit.js';
import { postgresRunners, type QueryRunner, type QueryRunners } from './query-runner.js';
import type { Database } from './schema.js';
import { slots, StatementShapes } from './statement-shapes.js';

/** Rows per multi-row statement or IN list: well under SQLite's and PostgreSQL's bound-parameter limits. */
const ROWS_PER_STATEMENT = 512;

/**
 * A lease also moves the delivery's next attempt to the lease's end, when a worker that died
 * holding it would have it tried again anyway: the due query's range over (state,
 * next_attempt_at_ms) then leaves out the deliveries in flight instead of reading each of them
 * (hundreds under load) at every claim to find its lease still running.
 */
function leaseUntil(until: unknown) {
  return { lease_until_ms: until, next_attempt_at_ms: until };
}

/**
 * Statement shapes stay few: SQLite's prepared statements are cached by SQL text (a small LRU the
 * requests' hot queries live in too), and an IN list or a multi-row insert of every length would
 * be a statement of its own, crowding them out. So rows go in chunks of power-of-two sizes, and
 * an IN list is padded to a power of two by repeating its last id (which changes nothing).
 */
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length;) {
    let size = ROWS_PER_STATEMENT;
    while (size > items.length - i) size /= 2;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

/** A leased delivery as loadRows reads it. */
interface LoadedRow {
  id: number;
  event_id: string;
  endpoint_id: number;
  attempts: number;
  topic: string;
  payload: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
}

function idLists(ids: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
    const part = ids.slice(i, i + ROWS_PER_STATEMENT);
    let size = 1;
    while (size < part.length) size *= 2;
    out.push(part.concat(Array<number>(size - part.length).fill(part[part.length - 1]!)));
  }
  return out;
}

/**
 * The webhook outbox as the delivery workers see it. Several workers (one per instance) share it;
 * a lease (`lease_until_ms`) says who holds a pending delivery and until when.
 *
 * - PostgreSQL: one transaction selects the due rows `FOR UPDATE OF d SKIP LOCKED` (rows another
 *   worker is claiming right now are passed over, not waited for), keeps those the worker
 *   accepts, sets their lease and commits. A worker that read a row before another's claim
 *   committed re-checks it under the lock (READ COMMITTED re-evaluates the WHERE clause on the
 *   newest version) and finds it leased.
 * - SQLite (one writer; several processes may share one file): the accepted rows are leased by
 *   one conditional UPDATE ... RETURNING that takes each row only while it is pending and
 *   unleased or its lease has passed, so exactly one worker wins it.
 */
export class KyselyDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: CredentialCipher,
    private readonly dialect: DialectName,
    /**
     * SQLite's group commit: leases and outcomes join the requests' batches instead of paying a
     * commit (an fsync on the event loop) each.
     */
    private readonly committer: GroupCommitter | null = null,
    /** How the shaped statements run; by default through Kysely's executor (right on either dialect). */
    private readonly runners: QueryRunners = postgresRunners(db),
  ) {}

  /** The claim's and the settlement's statements, compiled once per shape (statement-shapes.ts). */
  private readonly shapes = new StatementShapes();

  /** The runner for `db`: a transaction's own, or the one for writes outside transactions. */
  private runnerOf(db: Kysely<Database> | Transaction<Database>): QueryRunner {
    return db.isTransaction ? this.runners.inTransaction(db as Transaction<Database>) : this.runners.write;
  }

  private write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.committer ? this.committer.run(work) : this.db.transaction().execute(work);
  }

  async claim(nowMs: number, leaseUntilMs: number, limit: number, accept: ClaimFilter, skipEndpoints: readonly number[] = []): Promise<DueDelivery[]> {
    if (limit <= 0) return [];
    return this.dialect === 'postgres'
      ? this.claimLocked(nowMs, leaseUntilMs, limit, accept, skipEndpoints)
      : this.claimEach(nowMs, leaseUntilMs, limit, accept, skipEndpoints);
  }

  private async claimLocked(nowMs: number, leaseUntilMs: number, limit: number, accept: ClaimFilter, skip: readonly number[]): Promise<DueDelivery[]> {
    // The worker looks after every commit that published events: when nothing is due (no
    // endpoint takes them), one plain query answers, not a transaction of three round trips.
    if ((await this.due(this.db, nowMs, 1, skip, false)).length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      // Only the delivery rows are locked: endpoints and events are read, never held.
      const candidates = await this.due(trx, nowMs, limit, skip, true);
      const chosen = candidates.filter((row) => accept({ id: row.id, endpointId: row.endpoint_id })).map((row) => row.id);
      if (chosen.length === 0) return [];
      for (const ids of idLists(chosen)) {
        const query = this.shapes.get(`lease-locked:${ids.length}`, (slot) => trx
          .updateTable('webhook_deliveries')
          .set(leaseUntil(slot(0)) as never)
          .where('id', 'in', ids.map((_, i) => slot(i + 1)) as never));
        await this.runnerOf(trx).run(query, slots([leaseUntilMs, ...ids]));
      }
      return this.load(trx, chosen, nowMs, leaseUntilMs);
    });
  }

  private async claimEach(nowMs: number, leaseUntilMs: number, limit: number, accept: ClaimFilter, skip: readonly number[]): Promise<DueDelivery[]> {
    const accepted = (await this.due(this.db, nowMs, limit, skip, false))
      .filter((row) => accept({ id: row.id, endpointId: row.endpoint_id }))
      .map((row) => row.id);
    if (accepted.length === 0) return [];
    // One conditional UPDATE leases every accepted row that is still free, and says which: of two
    // processes sharing the file, exactly one wins each row. Through the group commit the leases
    // share the requests' commit; without one (several processes on the file, in tests) it is one
    // short statement, never a transaction that reads and then must upgrade.
    const lease = async (db: Kysely<Database> | Transaction<Database>) => {
      const won: number[] = [];
      for (const ids of idLists(accepted)) {
        const query = this.shapes.get(`lease:${ids.length}`, (slot) => db
          .updateTable('webhook_deliveries')
          .set(leaseUntil(slot(0)) as never)
          .where('id', 'in', ids.map((_, i) => slot(i + 2)) as never)
          .where('state', '=', 'pending')
          .where((eb) => eb.or([eb('lease_until_ms', 'is', null), eb('lease_until_ms', '<', slot(1) as never)]))
          .returning('id'));
        const rows = await this.runnerOf(db).all<{ id: number }, never>(query, slots([leaseUntilMs, nowMs, ...ids]));
        for (const row of rows) won.push(row.id);
      }
      return won;
    };
    const won = new Set(this.committer ? await this.committer.run(lease) : await lease(this.db));
    const leased = accepted.filter((id) => won.has(id));
    return leased.length === 0 ? [] : this.load(this.db, leased, nowMs, leaseUntilMs);
  }

  /**
   * Due pending deliveries of live endpoints, unleased or with a lease that has passed, oldest
   * first: ids and endpoints only, so that passing over candidates costs no event body and no
   * secret to open.
   */
  private due(db: Kysely<Database> | Transaction<Database>, nowMs: number, limit: number, skip: readonly number[], locked: boolean): Promise<{ id: number; endpoint_id: number }[]> {
    const skipped = skip.length > 0 ? idLists(skip.slice(0, ROWS_PER_STATEMENT))[0]! : [];
    const query = this.shapes.get(`due:${skipped.length}:${locked}`, (slot) => {
      const base = db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select(['d.id', 'd.endpoint_id'])
        .where('d.state', '=', 'pending')
        .where('d.next_attempt_at_ms', '<=', slot(0) as never)
        .where((eb) => eb.or([eb('d.lease_until_ms', 'is', null), eb('d.lease_until_ms', '<', slot(0) as never)]))
        .where('e.deleted_at', 'is', null)
        .where('e.disabled_at', 'is', null)
        .orderBy('d.next_attempt_at_ms')
        .orderBy('d.id')
        .limit(slot(1) as never);
      const query = skipped.length > 0 ? base.where('d.endpoint_id', 'not in', skipped.map((_, i) => slot(i + 2)) as never) : base;
      // Only the delivery rows are locked: endpoints and events are read, never held.
      return locked ? query.forUpdate('d').skipLocked() : query;
    });
    return this.runnerOf(db).all(query, slots([nowMs, limit, ...skipped]));
  }

  /** What the worker sends for the deliveries it has just leased, in claim order. */
  private async load(db: Kysely<Database> | Transaction<Database>, ids: number[], nowMs: number, leaseUntilMs: number): Promise<DueDelivery[]> {
    const rows = [];
    for (const list of idLists(ids)) rows.push(...await this.loadRows(db, list));
    const byId = new Map(rows.map((row) => [row.id, row]));
    // A claim holds many deliveries of few endpoints: each endpoint's secrets are opened once.
    const opened = new Map<number, string[] | null>();
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      let secrets = opened.get(row.endpoint_id);
      if (secrets === undefined) {
        secrets = this.openSecrets(row, nowMs);
        opened.set(row.endpoint_id, secrets);
      }
      return [{
        id: row.id, eventId: row.event_id, topic: row.topic, body: row.payload, endpointId: row.endpoint_id, url: row.url,
        secrets, attempts: row.attempts, leaseUntilMs,
      }];
    });
  }

  private loadRows(db: Kysely<Database> | Transaction<Database>, ids: number[]) {
    const query = this.shapes.get(`load:${ids.length}`, (slot) => db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
      .select([
        'd.id', 'd.event_id', 'd.endpoint_id', 'd.attempts', 'ev.topic', 'ev.payload', 'e.url', 'e.secret',
        'e.previous_secret', 'e.previous_secret_expires_at',
      ])
      .where('d.id', 'in', ids.map((_, i) => slot(i)) as never));
    return this.runnerOf(db).all<LoadedRow, never>(query, slots(ids));
  }

  /**
   * Current first, then a rotated-out one still in its grace period. One endpoint's secret that
   * will not open must not fail the whole claim (every endpoint's deliveries, every poll): its
   * deliveries come back without secrets (null), for the worker to fail.
   */
  private openSecrets(
    r: { endpoint_id: number; secret: string; previous_secret: string | null; previous_secret_expires_at: number | null },
    nowMs: number,
  ): string[] | null {
    const now = Math.floor(nowMs / 1000);
    try {
      const secrets = [this.cipher.decrypt(r.secret, secretOf(r.endpoint_id))];
      if (r.previous_secret !== null && (r.previous_secret_expires_at ?? 0) > now) secrets.push(this.cipher.decrypt(r.previous_secret, previousSecretOf(r.endpoint_id)));
      return secrets;
    } catch {
      return null;
    }
  }

  async settle(delivery: DueDelivery, attempt: AttemptLog, outcome: DeliveryOutcome): Promise<boolean> {
    return (await this.settleAll([{ delivery, attempt, outcome }]))[0]!;
  }

  /**
   * One transaction for a batch of attempts (through the group commit on SQLite): the attempt log
   * in multi-row inserts, and the successes (nearly all of them) in one fenced UPDATE per lease
   * they were claimed with; the other outcomes one by one.
   */
  async settleAll(settlements: readonly Settlement[]): Promise<boolean[]> {
    if (settlements.length === 0) return [];
    return this.write(async (trx) => {
      const runner = this.runnerOf(trx);
      for (const part of chunks(settlements)) {
        const query = this.shapes.get(`attempts:${part.length}`, (slot) => trx.insertInto('webhook_attempts').values(part.map((_, row) => ({
          delivery_id: slot(row * 8), endpoint_id: slot(row * 8 + 1), event_id: slot(row * 8 + 2), attempt: slot(row * 8 + 3),
          attempted_at_ms: slot(row * 8 + 4), status_code: slot(row * 8 + 5), duration_ms: slot(row * 8 + 6), error: slot(row * 8 + 7),
        })) as never));
        await runner.run(query, slots(part.flatMap(({ delivery, attempt }) => [
          delivery.id, delivery.endpointId, delivery.eventId, attempt.attempt, attempt.attemptedAtMs, attempt.statusCode, attempt.durationMs, attempt.error,
        ])));
      }
      const applied = settlements.map(() => false);
      /** Successes by what their UPDATE sets and fences on: lease, attempt number, finish second. */
      const successes = new Map<string, number[]>();
      for (const [i, { delivery, attempt, outcome }] of settlements.entries()) {
        if (outcome.kind !== 'succeeded') {
          applied[i] = await this.applyOutcome(trx, delivery, attempt, outcome);
          continue;
        }
        const key = `${delivery.leaseUntilMs} ${attempt.attempt} ${Math.floor(attempt.attemptedAtMs / 1000)}`;
        const group = successes.get(key);
        if (group) group.push(i);
        else successes.set(key, [i]);
      }
      for (const group of successes.values()) {
        const first = settlements[group[0]!]!;
        const won = new Set<number>();
        for (const ids of idLists(group.map((j) => settlements[j]!.delivery.id))) {
          // Fenced by the lease, as in applyOutcome.
          const query = this.shapes.get(`succeeded:${ids.length}`, (slot) => trx
            .updateTable('webhook_deliveries')
            .set({ state: 'succeeded', attempts: slot(0), lease_until_ms: null, finished_at: slot(1) } as never)
            .where('id', 'in', ids.map((_, i) => slot(i + 3)) as never)
            .where('lease_until_ms', '=', slot(2) as never)
            .returning('id'));
          const rows = await runner.all<{ id: number }, never>(query, slots([
            first.attempt.attempt, Math.floor(first.attempt.attemptedAtMs / 1000), first.delivery.leaseUntilMs, ...ids,
          ]));
          for (const row of rows) won.add(row.id);
        }
        for (const j of group) applied[j] = won.has(settlements[j]!.delivery.id);
      }
      return applied;
    });
  }

  private async applyOutcome(trx: Transaction<Database>, delivery: DueDelivery, attempt: AttemptLog, outcome: DeliveryOutcome): Promise<boolean> {
    const finishedAt = Math.floor(attempt.attemptedAtMs / 1000);
    // Fenced by the lease: if it ran out and another worker claimed the delivery, that worker's
    // outcome counts, not this late one (a late "succeeded" must not overwrite its "failed").
    const update = trx.updateTable('webhook_deliveries').where('id', '=', delivery.id).where('lease_until_ms', '=', delivery.leaseUntilMs);
    const applied = async (query: { execute(): Promise<{ numUpdatedRows: bigint }[]> }) =>
      Number((await query.execute())[0]?.numUpdatedRows ?? 0) === 1;
    switch (outcome.kind) {
      case 'succeeded':
        return applied(update.set({ state: 'succeeded', attempts: attempt.attempt, lease_until_ms: null, finished_at: finishedAt }));
      case 'retry':
        return applied(update.set({ attempts: attempt.attempt, lease_until_ms: null, next_attempt_at_ms: outcome.nextAttemptAtMs }));
      case 'failed':
      case 'gone': {
        if (!(await applied(update.set({ state: 'failed', attempts: attempt.attempt, lease_until_ms: null, finished_at: finishedAt })))) return false;
        if (outcome.kind === 'gone') {
          await trx
            .updateTable('webhook_endpoints')
            .set({ disabled_at: finishedAt, disabled_reason: 'the receiver answered 410 Gone', updated_at: finishedAt })
            .where('id', '=', delivery.endpointId)
            .execute();
        }
        return true;
      }
    }
  }

  async release(deliveries: readonly DueDelivery[]): Promise<void> {
    const byLease = new Map<number, number[]>();
    for (const d of deliveries) byLease.set(d.leaseUntilMs, [...(byLease.get(d.leaseUntilMs) ?? []), d.id]);
    if (byLease.size === 0) return;
    await this.write(async (trx) => {
      for (const [lease, ids] of byLease) {
        for (const list of idLists(ids)) {
          await trx.updateTable('webhook_deliveries').set({ lease_until_ms: null })
            .where('id', 'in', list).where('lease_until_ms', '=', lease).where('state', '=', 'pending').execute();
        }
      }
    });
  }

  /**
   * Deletes up to `limit` events created before `cutoffSeconds` that have no pending delivery,
   * with their deliveries and attempts, in one transaction; answers how many events went.
   */
  async prune(cutoffSeconds: number, limit: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const events = await trx
        .selectFrom('webhook_events as ev')
        .select('ev.id')
        .where('ev.created_at', '<', cutoffSeconds)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'ev.id').where('d.state', '=', 'pending'))))
        .orderBy('ev.created_at')
        .orderBy('ev.id')
        .limit(limit)
        .execute();
      if (events.length === 0) return 0;
      const ids = events.map((e) => e.id);
      const deliveries = trx.selectFrom('webhook_deliveries').select('id').where('event_id', 'in', ids);
      await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries).execute();
      await trx.deleteFrom('webhook_deliveries').where('event_id', 'in', ids).execute();
      await trx.deleteFrom('webhook_events').where('id', 'in', ids).execute();
      return ids.length;
    });
  }
}
