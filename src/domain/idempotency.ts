import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError } from './errors.js';
import type { SharedWork, Store } from './ports.js';

/** The longest Idempotency-Key taken (Stripe's limit). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The answer stored with a key and replayed to its retries. */
export interface IdempotentAnswer {
  status: number;
  body: string;
  contentType: string | null;
}

/** Whose key it is: keys are scoped per API key (or per user for the admin token), never global. */
export interface IdempotencyKeyRef {
  scope: string;
  key: string;
}

export interface IdempotencyRecord {
  fingerprint: string;
  /**
   * null: the request's write committed with the key, but its answer was never stored (the
   * process died between the commit and the reply). Its retries are refused, never re-applied.
   */
  answer: IdempotentAnswer | null;
  /** Unix ms (application clock) after which the key is forgotten. */
  expiresAt: number;
}

export interface IdempotencyRow {
  fingerprint: string;
  answer: IdempotentAnswer | null;
  createdAt: number;
  expiresAt: number;
}

/** Another request holds the key: raised by the store's insert, answered 409. */
export class IdempotencyKeyInUse extends DomainError {
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry once it has finished.');
  }
}

export interface IdempotencyStore {
  find(ref: IdempotencyKeyRef): Promise<IdempotencyRecord | undefined>;
  /** Throws IdempotencyKeyInUse when the key is taken (by a request of another instance, say). */
  insert(ref: IdempotencyKeyRef, row: IdempotencyRow): Promise<void>;
  /** Stores the answer of a row inserted without one. */
  answer(ref: IdempotencyKeyRef, answer: IdempotentAnswer): Promise<void>;
  /** Forgets the key if it expired at `nowMs` (so that it may be used again). */
  removeExpired(ref: IdempotencyKeyRef, nowMs: number): Promise<void>;
  /** Forgets every key expired at `nowMs`; answers how many. */
  purgeExpired(nowMs: number): Promise<number>;
}

/**
 * A keyed POST/PATCH in flight. The http layer enters it into `keyedRequests` around the
 * handler; the store records it in the first write transaction the handler commits, so the key
 * commits atomically with the write (and, where `render` is given, with the answer itself).
 */
export interface IdempotentRequest extends IdempotencyKeyRef {
  fingerprint: string;
  createdAt: number;
  expiresAt: number;
  /** The answer from the value of a shared write (shareTransaction), when the route knows it. */
  render: ((value: unknown) => IdempotentAnswer) | null;
  /** What has committed for it: nothing, the key alone, or the key with its answer. */
  stored: 'none' | 'applied' | 'answered';
  /** A write transaction is recording it right now (so a second one does not). */
  recording: boolean;
  /**
   * Its answer has gone out: work that outlives the request in its async context (a timer it
   * started, a batch it scheduled) records nothing into it.
   */
  closed: boolean;
}

export const keyedRequests = new AsyncLocalStorage<IdempotentRequest>();

/** The keyed request of the caller, if no write has recorded it yet. */
export function unrecordedRequest(): IdempotentRequest | null {
  const request = keyedRequests.getStore();
  return request && request.stored === 'none' && !request.recording && !request.closed ? request : null;
}

function row(request: IdempotentRequest, answer: IdempotentAnswer | null): IdempotencyRow {
  return { fingerprint: request.fingerprint, answer, createdAt: request.createdAt, expiresAt: request.expiresAt };
}

/** Inside the write's transaction: the key (with the answer `render` makes of `value`, if any). */
export async function recordInTransaction(tx: Store, request: IdempotentRequest, value: unknown): Promise<IdempotentRequest['stored']> {
  const answer = request.render ? request.render(value) : null;
  await tx.idempotency.insert(request, row(request, answer));
  return answer ? 'answered' : 'applied';
}

/**
 * Runs a top-level transaction that records `request` with its writes (the key alone: the
 * answer is stored once the reply is built, and lost only if the process dies in between).
 */
export async function recordingTransaction<T>(
  request: IdempotentRequest,
  transact: (fn: (tx: Store) => Promise<T>) => Promise<T>,
  fn: (tx: Store) => Promise<T>,
): Promise<T> {
  request.recording = true;
  let stored: IdempotentRequest['stored'] = 'none';
  try {
    const value = await transact(async (tx) => {
      const result = await fn(tx);
      stored = await recordInTransaction(tx, { ...request, render: null }, result);
      return result;
    });
    request.stored = stored;
    return value;
  } finally {
    request.recording = false;
  }
}

/** Called by the http layer once the answer is known: stores it unless the write did. */
export async function storeAnswer(store: Store, request: IdempotentRequest, answer: IdempotentAnswer): Promise<void> {
  if (request.stored === 'answered') return;
  if (request.stored === 'applied') {
    await store.idempotency.answer(request, answer);
  } else {
    // Nothing was written (a 4xx before any write): the answer alone. Another instance that got
    // there first keeps its own.
    await store.idempotency.insert(request, row(request, answer)).catch((error: unknown) => {
      if (!(error instanceof IdempotencyKeyInUse)) throw error;
    });
  }
  request.stored = 'answered';
}

/** A shared item with its keyed request, and what its transaction recorded. */
interface RecordedItem<I> {
  item: I;
  request: IdempotentRequest;
  stored: IdempotentRequest['stored'];
}

const recordingWorks = new WeakMap<object, SharedWork<RecordedItem<unknown>, unknown>>();

/** `work` that also records each keyed item whose outcome is a success, in the same transaction. */
function recordingWork<I, R>(work: SharedWork<I, R>): SharedWork<RecordedItem<I>, R> {
  let recording = recordingWorks.get(work) as SharedWork<RecordedItem<I>, R> | undefined;
  if (!recording) {
    const scopeOf = work.scopeOf?.bind(work);
    recording = {
      scopeOf: scopeOf && ((entry) => scopeOf(entry.item)),
      async run(tx, entries) {
        // A shared run that failed as a whole is run again per item: start from nothing.
        for (const entry of entries) entry.stored = 'none';
        const outcomes = await work.run(tx, entries.map((entry) => entry.item));
        for (const [i, outcome] of outcomes.entries()) {
          if (outcome.ok) entries[i]!.stored = await recordInTransaction(tx, entries[i]!.request, outcome.value);
        }
        return outcomes;
      },
    };
    // One wrapper per work: keyed items of one work still share their transaction.
    recordingWorks.set(work, recording as SharedWork<RecordedItem<unknown>, unknown>);
  }
  return recording;
}

/**
 * shareTransaction for a keyed request: the key (and the answer `render` makes of the item's
 * value) commits in the shared transaction, with the item's writes.
 */
export async function recordingShare<I, R>(
  request: IdempotentRequest,
  share: (work: SharedWork<RecordedItem<I>, R>, item: RecordedItem<I>) => Promise<R>,
  work: SharedWork<I, R>,
  item: I,
): Promise<R> {
  request.recording = true;
  const entry: RecordedItem<I> = { item, request, stored: 'none' };
  try {
    const value = await share(recordingWork(work), entry);
    request.stored = entry.stored;
    return value;
  } finally {
    request.recording = false;
  }
}
