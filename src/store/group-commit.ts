import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteHandle } from './database.js';
import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { WorkOutcome } from '../domain/ports.js';

interface PendingWork<T = unknown> {
  work: (trx: Transaction<Database>) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

interface SharedMember {
  item: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface SharedUnitResult<R> {
  outcomes: WorkOutcome<R>[];
  /** Runs after the COMMIT, before the outcomes are handed out. */
  committed?: () => void;
  /**
   * Writes the work has sent and not yet seen answered. PostgreSQL's group commit sends its
   * COMMIT behind them without waiting (pg-group-commit.ts); if they fail, the unit fails as a
   * whole, as if the work had thrown.
   */
  written?: Promise<unknown>;
}

/** A shared unit's work threw: nothing of it was stored, and each item may be tried alone. */
export class SharedUnitFailed extends Error {
  constructor(cause: unknown) {
    super(`a shared unit of the group commit failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Upper bound on one batch, so a burst cannot stretch one commit's latency without limit. */
const MAX_BATCH = 256;

/**
 * The WAL is checkpointed by the group commit itself, every this many commits, between batches
 * and after the replies of the last one have been written. Left to SQLite, the checkpoint (3-9 ms
 * on the benchmark machine, copying pages and fsyncing the database file) ran inside the COMMIT
 * that crossed 1,000 WAL pages, and every request of that batch waited for it. SQLite's own
 * automatic checkpoint stays as a backstop at 10,000 pages (for writes outside the group commit).
 */
const CHECKPOINT_EVERY_COMMITS = 64;
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Group commit for SQLite with synchronous=FULL: the write transactions that arrive while a
 * commit is being prepared share one BEGIN ... COMMIT and therefore one fsync.
 *
 * - Each unit of work runs inside its own SAVEPOINT: if it throws, only its own writes are
 *   rolled back and only its caller sees the error.
 * - Every promise settles after COMMIT returns: a caller that replies 200 on resolution has
 *   its write on disk. If the COMMIT itself fails, every unit of that batch is rejected with
 *   the commit error and none of them is stored; the next batch starts clean.
 */
export class GroupCommitter {
  private queue: PendingWork[] = [];
  /** `scheduled`: a batch will start on the next turn; `committing`: a batch holds the connection. */
  private state: 'idle' | 'scheduled' | 'committing' = 'idle';
  private commitCount = 0;
  private commitsSinceCheckpoint = 0;
  private checkpointScheduled = false;
  private readonly checkpoint: BetterSqlite3.Statement;
  private readonly savepoint: { open: BetterSqlite3.Statement; release: BetterSqlite3.Statement; rollback: BetterSqlite3.Statement };
  private readonly takeWriteLock: BetterSqlite3.Statement;

  /** Batches committed so far (each one COMMIT, one fsync). */
  get commits(): number {
    return this.commitCount;
  }

  /**
   * `sqlite` is the connection under `db`: savepoints go to it directly (a unit runs while the
   * batch's transaction holds that connection), which costs a fraction of a Kysely query.
   */
  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SqliteHandle,
  ) {
    this.savepoint = {
      open: sqlite.prepare('SAVEPOINT parley_unit'),
      release: sqlite.prepare('RELEASE parley_unit'),
      rollback: sqlite.prepare('ROLLBACK TO parley_unit'),
    };
    // Kysely opens a deferred transaction. A statement that writes (even no row) takes the
    // database's write lock at once, waiting busy_timeout for another process's commit, as
    // BEGIN IMMEDIATE would. Without it, a batch that read first and then wrote while another
    // process on the same file had committed would fail ("database is locked") instead of waiting.
    this.takeWriteLock = sqlite.prepare('UPDATE users SET id = id WHERE 0');
    this.checkpoint = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    sqlite.connection.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  }

  /**
   * Runs after the macrotask that committed (so after the replies' microtasks have written
   * them), and never while a batch holds the connection: PASSIVE copies what it can without
   * waiting for readers or writers.
   */
  private scheduleCheckpoint(): void {
    if (this.checkpointScheduled) return;
    this.checkpointScheduled = true;
    setImmediate(() => {
      this.checkpointScheduled = false;
      // Still due (the count only grows): the batch under way schedules it again when it ends.
      if (this.state === 'committing') return;
      this.commitsSinceCheckpoint = 0;
      try {
        this.checkpoint.get();
      } catch {
        // Nothing is lost: the WAL keeps the commits, and the next checkpoint (or SQLite's
        // backstop) copies them.
      }
    });
  }

  /** Items waiting for the unit that will run them together, per key (see runShared). */
  private readonly openGroups = new Map<unknown, SharedMember[]>();

  /**
   * Joins `item` to the one unit of this batch that runs every item given with the same `key`:
   * `work` gets them all and answers one outcome each, plus what to do once they are committed.
   * Items given once that unit has started go to a unit of the next batch. If `work` throws, the
   * unit's writes roll back (its savepoint) and every item of it is rejected with a
   * SharedUnitFailed; if the COMMIT fails, with the commit's error.
   */
  runShared<I, R>(key: unknown, item: I, work: (trx: Transaction<Database>, items: I[]) => Promise<SharedUnitResult<R>>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let group = this.openGroups.get(key);
      if (!group) {
        const members: SharedMember[] = [];
        group = members;
        this.openGroups.set(key, members);
        this.run(async (trx) => {
          this.openGroups.delete(key);
          try {
            const result = await work(trx, members.map((m) => m.item as I));
            await result.written;
            return result;
          } catch (error) {
            throw new SharedUnitFailed(error);
          }
        }).then(
          ({ outcomes, committed }) => {
            try {
              committed?.();
            } catch (error) {
              // The writes are committed: they are answered whatever the hand-over did.
              process.emitWarning(`group commit: the after-commit hand-over failed: ${String(error)}`);
            }
            outcomes.forEach((outcome, i) => (outcome.ok ? members[i]!.resolve(outcome.value) : members[i]!.reject(outcome.error)));
          },
          (error: unknown) => members.forEach((m) => m.reject(error)),
        );
      }
      group.push({ item, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  run<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as PendingWork);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.state !== 'idle' || this.queue.length === 0) return;
    this.state = 'scheduled';
    // Let the requests already parsed in this turn of the event loop join the batch.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.state = 'committing';
    const batch = this.queue.splice(0, MAX_BATCH);
    const done: { item: PendingWork; value: unknown }[] = [];
    let trx: ControlledTransaction<Database> | null = null;
    try {
      trx = await this.db.startTransaction().execute();
      this.takeWriteLock.run();
      // Units run one after another, so one savepoint name serves them all.
      for (const item of batch) {
        this.savepoint.open.run();
        try {
          const value = await item.work(trx);
          this.savepoint.release.run();
          done.push({ item, value });
        } catch (error) {
          this.savepoint.rollback.run();
          this.savepoint.release.run();
          item.reject(error);
        }
      }
      await trx.commit().execute();
      trx = null;
      this.commitCount += 1;
      this.commitsSinceCheckpoint += 1;
      for (const { item, value } of done) item.resolve(value);
    } catch (error) {
      if (trx) await trx.rollback().execute().catch(() => undefined);
      for (const { item } of done) item.reject(error);
      // Units that had not run yet (BEGIN failed) fail with the same error.
      for (const item of batch) if (!done.some((d) => d.item === item)) item.reject(error);
    } finally {
      this.state = 'idle';
      this.schedule();
      if (this.commitsSinceCheckpoint >= CHECKPOINT_EVERY_COMMITS) this.scheduleCheckpoint();
    }
  }
}
