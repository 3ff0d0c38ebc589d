import { sql, type ExpressionBuilder, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DueJob, JobClaim, JobStore } from '../domain/jobs.js';
import type { JobQueue } from '../scheduler/job-queue.js';
import type { DialectName } from './database.js';
import type { GroupCommitter } from './group-commit.js';
import type { Database, ScheduledJobsTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
type JobRow = Selectable<ScheduledJobsTable>;

function toDueJob(row: Pick<JobRow, 'kind' | 'key' | 'due_at_ms' | 'payload'>): DueJob {
  return { kind: row.kind, key: row.key, dueAtMs: row.due_at_ms, payload: JSON.parse(row.payload) as Record<string, unknown> };
}

function toClaim(row: JobRow): JobClaim {
  return { ...toDueJob(row), version: row.version, leaseUntilMs: row.lease_until_ms ?? 0, attempts: row.attempts };
}

/** The claim's row, fenced: still the version claimed and still held by this claim's lease. */
function fence(claim: JobClaim) {
  return (eb: ExpressionBuilder<Database, 'scheduled_jobs'>) => eb.and([
    eb('kind', '=', claim.kind),
    eb('key', '=', claim.key),
    eb('version', '=', claim.version),
    eb('lease_until_ms', '=', claim.leaseUntilMs),
  ]);
}

/** The Store's jobs: each call joins the transaction `db` is, if any. */
export function jobStore(db: Db): JobStore {
  return {
    async schedule(job) {
      const payload = JSON.stringify(job.payload ?? {});
      // A new version voids any claim on the old one: a run under way finds its job moved
      // (take() answers false) and the new due time is claimed afresh.
      await db
        .insertInto('scheduled_jobs')
        .values({ kind: job.kind, key: job.key, due_at_ms: Math.round(job.dueAtMs), payload, version: 1, lease_until_ms: null, attempts: 0, last_error: null })
        .onConflict((oc) =>
          oc.columns(['kind', 'key']).doUpdateSet({
            due_at_ms: Math.round(job.dueAtMs),
            payload,
            version: sql<number>`scheduled_jobs.version + 1`,
            lease_until_ms: null,
            attempts: 0,
            last_error: null,
          }))
        .execute();
    },
    async cancel(kind, key) {
      await db.deleteFrom('scheduled_jobs').where('kind', '=', kind).where('key', '=', key).execute();
    },
    async find(kind, key) {
      const row = await db.selectFrom('scheduled_jobs').selectAll().where('kind', '=', kind).where('key', '=', key).executeTakeFirst();
      return row && toDueJob(row);
    },
    async take(claim) {
      const result = await db.deleteFrom('scheduled_jobs').where(fence(claim)).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

/**
 * The scheduler's side of the table, shared by every instance, with the webhook queue's leased
 * claim (src/store/delivery-queue.ts): on PostgreSQL one transaction picks the due rows
 * `FOR UPDATE SKIP LOCKED` and leases them; on SQLite each row is leased by a conditional UPDATE
 * that only one claimer can win. The lease says who holds a job; one whose holder died is due
 * again once it passes.
 */
export class KyselyJobQueue implements JobQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    private readonly committer: GroupCommitter | null = null,
  ) {}

  private dueQuery(db: Db, nowMs: number, limit: number) {
    return db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('due_at_ms', '<=', nowMs)
      .where((eb) => eb.or([eb('lease_until_ms', 'is', null), eb('lease_until_ms', '<=', nowMs)]))
      .orderBy('due_at_ms')
      .orderBy('kind')
      .orderBy('key')
      .limit(limit);
  }

  async claim(nowMs: number, leaseUntilMs: number, limit: number): Promise<JobClaim[]> {
    if (limit <= 0) return [];
    if (this.dialect === 'postgres') {
      return this.db.transaction().execute(async (trx) => {
        const rows = await this.dueQuery(trx, nowMs, limit).forUpdate().skipLocked().execute();
        for (const row of rows) {
          await trx.updateTable('scheduled_jobs').set({ lease_until_ms: leaseUntilMs }).where('kind', '=', row.kind).where('key', '=', row.key).execute();
        }
        return rows.map((row) => toClaim({ ...row, lease_until_ms: leaseUntilMs }));
      });
    }
    const candidates = await this.dueQuery(this.db, nowMs, limit).execute();
    if (candidates.length === 0) return [];
    const leaseEach = async (db: Db) => {
      const won: JobClaim[] = [];
      for (const row of candidates) {
        const result = await db
          .updateTable('scheduled_jobs')
          .set({ lease_until_ms: leaseUntilMs })
          .where('kind', '=', row.kind)
          .where('key', '=', row.key)
          .where('version', '=', row.version)
          .where((eb) => eb.or([eb('lease_until_ms', 'is', null), eb('lease_until_ms', '<=', nowMs)]))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) won.push(toClaim({ ...row, lease_until_ms: leaseUntilMs }));
      }
      return won;
    };
    return this.committer ? this.committer.run(leaseEach) : leaseEach(this.db);
  }

  async fail(claim: JobClaim, retryAtMs: number, error: string): Promise<void> {
    const write = async (db: Db) => {
      await db.updateTable('scheduled_jobs')
        .where(fence(claim))
        .set({ lease_until_ms: Math.round(retryAtMs), attempts: claim.attempts + 1, last_error: error.slice(0, 1000) })
        .execute();
    };
    await (this.committer ? this.committer.run(write) : write(this.db));
  }

  async nextDueAtMs(): Promise<number | null> {
    // When each job can next be claimed: its due time, or its lease's end if that is later (a
    // failed run's retry time, or a run under way elsewhere).
    const row = await this.db
      .selectFrom('scheduled_jobs')
      .select(sql<number | null>`min(case when lease_until_ms > due_at_ms then lease_until_ms else due_at_ms end)`.as('next'))
      .executeTakeFirst();
    return row?.next == null ? null : Number(row.next);
  }
}
