import type { JobClaim } from '../domain/jobs.js';

/** What the scheduler needs from storage beyond the Store: claims, and failures to record. */
export interface JobQueue {
  /**
   * Leases up to `limit` jobs due at `nowMs` (unleased, or their lease has passed: a crashed
   * instance's), earliest first, until `leaseUntilMs`. A job is returned to one claimer at a time.
   */
  claim(nowMs: number, leaseUntilMs: number, limit: number): Promise<JobClaim[]>;
  /**
   * A run failed (its transaction rolled back): count it and hold the job until `retryAtMs`,
   * unless it was rescheduled or re-claimed since (fenced like JobStore.take).
   */
  fail(claim: JobClaim, retryAtMs: number, error: string): Promise<void>;
  /**
   * When the earliest pending job can next be claimed (its due time, or its lease's end when that
   * is later), or null when none is pending.
   */
  nextDueAtMs(): Promise<number | null>;
}
