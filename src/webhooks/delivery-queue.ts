/** A delivery the worker may attempt: the event's exact body and the endpoint's signing secrets. */
export interface DueDelivery {
  id: number;
  eventId: string;
  topic: string;
  body: string;
  endpointId: number;
  url: string;
  /** Current first, then a rotated-out secret still in its grace period. */
  secrets: string[];
  /** Attempts made so far. */
  attempts: number;
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

/** What the delivery worker needs from storage; several workers (instances) may share one queue. */
export interface DeliveryQueue {
  due(nowMs: number, limit: number): Promise<DueDelivery[]>;
  /** Claims a delivery until `untilMs`; false when another worker holds it or it is done. */
  lease(id: number, untilMs: number, nowMs: number): Promise<boolean>;
  /** Logs the attempt and applies its outcome in one transaction. */
  settle(delivery: DueDelivery, attempt: AttemptLog, outcome: DeliveryOutcome): Promise<void>;
}
