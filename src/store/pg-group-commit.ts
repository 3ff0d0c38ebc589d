import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import { SharedUnitFailed, type SharedUnitResult } from './group-commit.js';

/** What a store needs to share one transaction among items that arrive together (Store.shareTransaction). */
export interface SharedCommitter {
  runShared<I, R>(key: unknown, item: I, work: (trx: Transaction<Database>, items: I[]) => Promise<SharedUnitResult<R>>): Promise<R>;
}

/**
 * The COMMIT of a shared batch failed (or its outcome is unknown: the connection broke under it).
 * None of the batch's items may be answered as stored; each caller answers 503 (database-errors.ts).
 */
export class GroupCommitFailed extends Error {
  constructor(cause: unknown) {
    super(`The group commit failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface PgGroupCommitLimits {
  /** Most items one batch (one transaction, one COMMIT) takes. */
  maxBatch: number;
  /** Most batches running at once, each on its own pool connection; the rest of the pool serves everything else. */
  maxConcurrent: number;
}

/** Measured on the benchmark machine (docs/deploy.md, "PostgreSQL group commit"). */
export const PG_GROUP_COMMIT_DEFAULTS: PgGroupCommitLimits = { maxBatch: 256, maxConcurrent: 2 };

interface Member {
  item: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  key: unknown;
  work: (trx: Transaction<Database>, items: unknown[]) => Promise<SharedUnitResult<unknown>>;
  members: Member[];
}

/**
 * Group commit for PostgreSQL: the shared units (sends) that arrive while earlier batches are
 * committing run together in one transaction, so many sends cost one COMMIT (one WAL flush)
 * instead of one each, and a hot order's row lock is taken once per batch instead of once per send.
 *
 * - Each item's outcome is its own: the shared work checks every item and answers one outcome
 *   each. If the work throws as a whole, the transaction rolls back and every item is rejected
 *   with a SharedUnitFailed, which the store answers by running each item again alone (as on SQLite).
 * - Every promise settles after the COMMIT has returned: a 200 built from it is durable and
 *   visible to every other connection. If the COMMIT fails, every item of the batch is rejected
 *   with a GroupCommitFailed (a 503), nothing of it was stored, and the next batch starts clean.
 * - Ordinary transactions do not go through here: PostgreSQL runs them concurrently on the pool.
 */
export class PgGroupCommitter implements SharedCommitter {
  /** Batches formed and not started yet, oldest first. */
  private readonly waiting: Batch[] = [];
  /** The batch that still takes items, per key. */
  private readonly open = new Map<unknown, Batch>();
  private running = 0;
  private scheduled = false;
  private commitCount = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly limits: PgGroupCommitLimits = PG_GROUP_COMMIT_DEFAULTS,
  ) {}

  /** Batches committed so far. */
  get commits(): number {
    return this.commitCount;
  }

  runShared<I, R>(key: unknown, item: I, work: (trx: Transaction<Database>, items: I[]) => Promise<SharedUnitResult<R>>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let batch = this.open.get(key);
      if (!batch || batch.members.length >= this.limits.maxBatch) {
        batch = { key, work: work as Batch['work'], members: [] };
        this.open.set(key, batch);
        this.waiting.push(batch);
      }
      batch.members.push({ item, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.limits.maxConcurrent || this.waiting.length === 0) return;
    this.scheduled = true;
    // Let the requests already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.running < this.limits.maxConcurrent && this.waiting.length > 0) {
        const batch = this.waiting.shift()!;
        if (this.open.get(batch.key) === batch) this.open.delete(batch.key);
        this.running += 1;
        this.commit(batch)
          // Nothing in commit() is expected to throw; if it does, no caller may be left waiting
          // (settling a promise twice is a no-op).
          .catch((error: unknown) => batch.members.forEach((m) => m.reject(error)))
          .finally(() => {
            this.running -= 1;
            this.schedule();
          });
      }
    });
  }

  private async commit(batch: Batch): Promise<void> {
    const { members } = batch;
    let trx: ControlledTransaction<Database>;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      // No connection, or BEGIN failed: nothing ran.
      for (const m of members) m.reject(error);
      return;
    }
    let result: SharedUnitResult<unknown>;
    try {
      result = await batch.work(trx, members.map((m) => m.item));
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      const failed = new SharedUnitFailed(error);
      for (const m of members) m.reject(failed);
      return;
    }
    try {
      await trx.commit().execute();
    } catch (error) {
      // PostgreSQL has ended the transaction (a deferred check), or the connection is gone and the
      // outcome is unknown: either way no item may be answered as stored.
      await trx.rollback().execute().catch(() => undefined);
      const failed = new GroupCommitFailed(error);
      for (const m of members) m.reject(failed);
      return;
    }
    this.commitCount += 1;
    try {
      result.committed?.();
    } catch (error) {
      // The writes are committed: they are answered whatever the hand-over did.
      process.emitWarning(`group commit: the after-commit hand-over failed: ${String(error)}`);
    }
    members.forEach((member, i) => {
      const outcome = result.outcomes[i];
      if (!outcome) member.reject(new Error('group commit: the shared work gave no outcome for this item'));
      else if (outcome.ok) member.resolve(outcome.value);
      else member.reject(outcome.error);
    });
  }
}
