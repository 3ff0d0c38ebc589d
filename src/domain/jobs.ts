import type { Store } from './ports.js';

/**
 * Time-based work (auto-completion, dispute deadlines, a scripted buyer's steps): a job names
 * what to do (`kind`), what it is about (`key`, e.g. an order) and when (`dueAtMs`, on the
 * application clock). The scheduler (src/scheduler) runs each due job once, across instances
 * and restarts, through the handler registered for its kind (job-handlers.ts).
 */
export interface JobSpec {
  kind: string;
  key: string;
  dueAtMs: number;
  payload?: Record<string, unknown>;
}

export interface DueJob {
  kind: string;
  key: string;
  dueAtMs: number;
  payload: Record<string, unknown>;
}

/** Joins the caller's transaction when reached through the store given to a transaction. */
export interface JobStore {
  /** Upsert: at most one pending job per (kind, key); scheduling again moves its due time and payload. */
  schedule(job: JobSpec): Promise<void>;
  cancel(kind: string, key: string): Promise<void>;
  /** The pending job of (kind, key), if any (what tests and the sandbox show). */
  find(kind: string, key: string): Promise<DueJob | undefined>;
  /**
   * Takes a claimed job out of the table, fenced by its claim: answers false (and changes
   * nothing) when the job was rescheduled or cancelled since, or another claim holds it now.
   * The scheduler calls it in the handler's transaction, so the job is gone exactly when the
   * handler's writes commit.
   */
  take(claim: JobClaim): Promise<boolean>;
}

/** A job as a claim leased it: `version` changes with every schedule(), `leaseUntilMs` with every claim. */
export interface JobClaim extends DueJob {
  version: number;
  leaseUntilMs: number;
  /** Failed runs so far. */
  attempts: number;
}

/** Runs inside a transaction on the given store; must be a guarded, idempotent transition. */
export type JobHandler = (store: Store, job: DueJob) => Promise<void>;
