/** A delivery the worker may attempt: the event's exact body and the endpoint's signing secrets. */
export interface DueDelivery {
  id: number;
  eventId: string;
  topic: string;
  body: string;
  endpointId: number;
  url: string;
  /**
   * Current first, then a rotated-out secret still in its grace period. Null when a sealed secret
   * will not open (another key, or a value moved from another row): the claim goes on for the
   * other endpoints, and the worker records this delivery's attempt as failed without sending it.
   */
  secrets: string[] | null;
  /** Attempts made so far. */
  attempts: number;
  /**
   * The lease this claim set (0 before the claim). Settling checks it is still the row's lease:
   * a worker whose lease ran out while its attempt was under way (another worker may have taken
   * the delivery since) logs its attempt but leaves the delivery's state to the new holder.
   */
  leaseUntilMs: number;
}

export type DeliveryOutcome =
  | { kind: 'succeeded' }
  | { kind: 'retry'; nextAttemptAtMs: number }
  | { kind: 'failed' }
  /** 410 Gone: the receiver asked never to be called again. */
  | { kind: 'gone' };

export interface AttemptLog {
  attempt: number;
  attemptedAtMs: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** One finished attempt to record, with the outcome it leads to. */
export interface Settlement {
  delivery: DueDelivery;
  attempt: AttemptLog;
  outcome: DeliveryOutcome;
}

/**
 * Decides, candidate by candidate (oldest due first), whether the worker takes a due delivery.
 * Returning true reserves a slot in the worker: the delivery is leased and will be launched.
 * Returning false leaves it unleased for the next poll or another worker.
 */
export type ClaimFilter = (candidate: { id: number; endpointId: number }) => boolean;

/** What the delivery worker needs from storage; several workers (instances) may share one queue. */
export interface DeliveryQueue {
  /**
   * Leases due pending deliveries until `leaseUntilMs` and returns them: at most `limit`
   * candidates are considered, and only those `accept` takes are leased. A delivery is returned
   * to one worker at a time; once its lease has passed (a crashed worker's) it is due again.
   * Every returned delivery was accepted, but an accepted one may be missing (another worker got
   * there first). Deliveries to `skipEndpoints` (those the worker has no room for) are not even
   * candidates, so a backlog for one endpoint cannot crowd the others out of the `limit`.
   */
  claim(nowMs: number, leaseUntilMs: number, limit: number, accept: ClaimFilter, skipEndpoints?: readonly number[]): Promise<DueDelivery[]>;
  /**
   * Logs the attempt and, while the claim's lease is still the delivery's, applies its outcome,
   * in one transaction. Answers whether the outcome was applied (false: the lease was lost).
   */
  settle(delivery: DueDelivery, attempt: AttemptLog, outcome: DeliveryOutcome): Promise<boolean>;
  /** settle() for many attempts in one transaction: answers, for each, whether its outcome was applied. */
  settleAll(settlements: readonly Settlement[]): Promise<boolean[]>;
  /**
   * Gives claimed deliveries back unsent (a worker stopping with some still waiting for a slot):
   * each becomes due again at once, unless its lease has changed hands since.
   */
  release(deliveries: readonly DueDelivery[]): Promise<void>;
  /**
   * Deletes up to `limit` events created before `cutoffSeconds` whose deliveries are all
   * finished, with their deliveries and attempt log; answers how many events it deleted.
   */
  prune(cutoffSeconds: number, limit: number): Promise<number>;
}
