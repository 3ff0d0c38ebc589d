import { DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError, type FieldErrors } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { MessageRecord, OrderKind } from '../domain/ports.js';
import type { Actor } from '../domain/users.js';

/** What the main thread hands the SQLite writer thread when it starts it. */
export interface WriterThreadData {
  file: string;
  /** The SqliteWriteLock's buffer, shared with the main thread's writer connection. */
  writeLock: SharedArrayBuffer;
  /** The credentials key (the store seals webhook secrets and credentials with it). */
  encryptionKey: Uint8Array;
}

/** One send, as posted to the writer thread (sends go in arrays, one post per event-loop turn). */
export interface SendRequest {
  seq: number;
  actor: Actor;
  kind: OrderKind;
  id: number;
  text: string;
  /** Unix seconds, taken when the request was handled. */
  now: number;
}

/** Its outcome, posted back after the commit (outcomes go in arrays too). */
export type SendOutcome = { seq: number; ok: true; message: MessageRecord } | { seq: number; ok: false; error: SerializedError };

/** `events`: what the transactions behind these outcomes published, told to the change feed before they settle. */
export type WriterThreadMessage = { type: 'ready' } | { type: 'outcomes'; outcomes: SendOutcome[]; events: DomainEvent[] };

/** Domain errors cross the thread boundary as data and are rebuilt as the same class. */
export type SerializedError =
  | { kind: 'unauthenticated' }
  | { kind: 'not_found' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'validation'; errors: FieldErrors }
  | { kind: 'other'; message: string; stack?: string };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof DomainError) {
    if (error instanceof UnauthenticatedError) return { kind: 'unauthenticated' };
    if (error instanceof NotFoundError) return { kind: 'not_found' };
    if (error instanceof ForbiddenError) return { kind: 'forbidden', message: error.message };
    if (error instanceof ValidationError) return { kind: 'validation', errors: error.errors };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'other', message: e.message, stack: e.stack };
}

export function deserializeError(error: SerializedError): Error {
  switch (error.kind) {
    case 'unauthenticated':
      return new UnauthenticatedError();
    case 'not_found':
      return new NotFoundError();
    case 'forbidden':
      return new ForbiddenError(error.message);
    case 'validation':
      return new ValidationError(error.errors);
    case 'other': {
      const rebuilt = new Error(`SQLite writer thread: ${error.message}`);
      if (error.stack) rebuilt.stack = error.stack;
      return rebuilt;
    }
  }
}
