import { CompiledQuery, Transaction, type DatabaseConnection, type Kysely, type KyselyProps, type QueryResult } from 'kysely';
import type { Database } from './schema.js';
import { SharedUnitFailed, type SharedUnitResult } from './group-commit.js';

/** What a store needs to share one transaction among items that arrive together (Store.shareTransaction). */
export interface SharedCommitter {
  /** `scope`: what the item writes to (SharedWork.scopeOf); items of one scope run one batch at a time. */
  runShared<I, R>(key: unknown, item: I, work: (trx: Transaction<Database>, items: I[]) => Promise<SharedUnitResult<R>>, scope?: string): Promise<R>;
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
  key: unknown;
  work: (trx: Transaction<Database>, items: unknown[]) => Promise<SharedUnitResult<unknown>>;
  scope: string | undefined;
  item: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  work: Member['work'];
  members: Member[];
  scopes: string[];
  /** Its scopes are free again (see release). */
  released: boolean;
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
 * - An item with a scope (SharedWork.scopeOf: its order) waits while a batch with that scope
 *   runs, until that batch sends its COMMIT, and joins the next one: started earlier, its batch
 *   would only wait on that batch's row lock, and each send would cost a smaller batch. Items of
 *   other scopes start meanwhile.
 * - Ordinary transactions do not go through here: PostgreSQL runs them concurrently on the pool.
 */
export class PgGroupCommitter implements SharedCommitter {
  /** Items not started yet, oldest first. */
  private queue: Member[] = [];
  /** The scopes of the batches running now. */
  private readonly busy = new Set<string>();
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

  runShared<I, R>(
    key: unknown, item: I, work: (trx: Transaction<Database>, items: I[]) => Promise<SharedUnitResult<R>>, scope?: string,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ key, work: work as Member['work'], scope, item, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.limits.maxConcurrent || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the requests already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.running < this.limits.maxConcurrent) {
        const batch = this.take();
        if (!batch) break;
        this.running += 1;
        for (const scope of batch.scopes) this.busy.add(scope);
        this.commit(batch)
          // Nothing in commit() is expected to throw; if it does, no caller may be left waiting
          // (settling a promise twice is a no-op).
          .catch((error: unknown) => batch.members.forEach((m) => m.reject(error)))
          .finally(() => {
            this.running -= 1;
            this.release(batch);
            this.schedule();
          });
      }
    });
  }

  /**
   * Frees the batch's scopes for the next batch. Done as soon as its COMMIT is sent: the next
   * batch's BEGIN and reads then go out at once and wait in PostgreSQL on the orders' row locks,
   * which the COMMIT releases, so its reads are answered with the COMMIT instead of one round trip
   * after it (and its message ids, drawn after those reads, follow the committed ones).
   */
  private release(batch: Batch): void {
    if (batch.released) return;
    batch.released = true;
    for (const scope of batch.scopes) this.busy.delete(scope);
    this.schedule();
  }

  /**
   * The next batch: the oldest item no running batch holds the scope of, and every later one of
   * the same key that is free too (up to maxBatch), in their order; null when none is free.
   */
  private take(): Batch | null {
    let first: Member | null = null;
    const members: Member[] = [];
    const rest: Member[] = [];
    for (const m of this.queue) {
      const free = m.scope === undefined || !this.busy.has(m.scope);
      if (free && members.length < this.limits.maxBatch && (first === null || m.key === first.key)) {
        first ??= m;
        members.push(m);
      } else {
        rest.push(m);
      }
    }
    if (first === null) return null;
    this.queue = rest;
    const scopes = new Set<string>();
    for (const m of members) if (m.scope !== undefined) scopes.add(m.scope);
    return { work: first.work, members, scopes: [...scopes], released: false };
  }

  private async commit(batch: Batch): Promise<void> {
    try {
      await this.db.getExecutor().provideConnection((connection) => this.commitOn(connection, batch));
    } catch (error) {
      // No connection: nothing ran.
      for (const m of batch.members) m.reject(error);
    }
  }

  /**
   * One batch on one pool connection, its statements pipelined (the pool's clients run in
   * node-postgres's pipeline mode, database.ts): the BEGIN goes out with the batch's first reads,
   * and the COMMIT right behind the writes the work leaves unconfirmed (`written`). A batch then
   * costs three round trips where it cost one per statement, and holds its orders' row locks for
   * two of them: those locks serialize the batches that send to one order.
   */
  private async commitOn(connection: DatabaseConnection, batch: Batch): Promise<void> {
    const { members } = batch;
    const send = (text: string): Promise<QueryResult<unknown>> => connection.executeQuery(CompiledQuery.raw(text));
    const begin = send('begin');
    begin.catch(() => undefined); // settled below, before anything is answered
    let result: SharedUnitResult<unknown>;
    try {
      result = await batch.work(pipelinedTransaction(this.db, connection), members.map((m) => m.item));
    } catch (error) {
      // Answered after every statement sent before it: nothing is left in flight on the connection.
      await send('rollback').catch(() => undefined);
      const began = await settled(begin);
      // BEGIN failed (the connection broke): nothing ran, and the error is the connection's.
      const failure = began.ok ? new SharedUnitFailed(error) : began.error;
      for (const m of members) m.reject(failure);
      return;
    }
    const commit = send('commit');
    this.release(batch);
    const [began, wrote, committed] = await Promise.all([settled(begin), settled(result.written), settled(commit)]);
    if (!began.ok || !wrote.ok) {
      // A statement failed, so PostgreSQL has aborted the transaction and answered the COMMIT
      // with a ROLLBACK: nothing was stored, and each item may be tried alone.
      if (committed.ok && commandOf(committed.value) === 'COMMIT') process.emitWarning('group commit: a failed batch was committed');
      const failure = began.ok ? new SharedUnitFailed((wrote as { error: unknown }).error) : began.error;
      for (const m of members) m.reject(failure);
      return;
    }
    if (!committed.ok || commandOf(committed.value) !== 'COMMIT') {
      // PostgreSQL has ended the transaction (a deferred check, or a read of the work failed and
      // aborted it), or the connection is gone and the outcome is unknown: either way no item may
      // be answered as stored.
      await send('rollback').catch(() => undefined);
      const failed = new GroupCommitFailed(committed.ok ? new Error('the transaction was rolled back') : committed.error);
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

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settled<T>(promise: Promise<T> | undefined): Promise<Settled<T | undefined>> {
  if (!promise) return Promise.resolve({ ok: true, value: undefined });
  return promise.then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error }));
}

/** COMMIT, or ROLLBACK when PostgreSQL ended an aborted transaction instead (Kysely's row for it). */
function commandOf(result: QueryResult<unknown> | undefined): unknown {
  return (result?.rows[0] as { command?: unknown } | undefined)?.command;
}

/** Kysely's dialect and driver are never reached from a transaction's queries; a use would be a bug. */
const UNREACHABLE = new Proxy({}, {
  get(_target, name) {
    throw new Error(`group commit: the batch's transaction has no ${String(name)}`);
  },
});

/**
 * A Transaction over `connection` whose queries go to it at once. Kysely's own transactions run
 * their queries one at a time (SingleConnectionProvider), which would undo the pipelining; here
 * the order the queries are made in is the order they are sent in, and the work awaits what it
 * depends on.
 */
function pipelinedTransaction(db: Kysely<Database>, connection: DatabaseConnection): Transaction<Database> {
  const executor = db.getExecutor().withConnectionProvider({ provideConnection: (consume) => consume(connection) });
  return new Transaction<Database>({ config: {}, driver: UNREACHABLE, dialect: UNREACHABLE, executor } as unknown as KyselyProps);
}
