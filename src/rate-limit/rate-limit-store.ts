export interface RateLimitDecision {
  allowed: boolean;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Unix milliseconds when the window resets. */
  resetAtMs: number;
}

/**
 * Fixed windows that open at a key's first hit and last `windowSeconds` (Laravel's throttle).
 * A rejected hit does not count. Implementations must be atomic per key: the in-process store
 * serves one instance; a shared store (Redis) serves many.
 */
export interface RateLimitStore {
  hit(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}
