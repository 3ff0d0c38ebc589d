/**
 * What a database error means to a caller, whichever driver raised it. node-postgres errors carry
 * PostgreSQL's SQLSTATE in `code` (or Node's socket code, `ECONNREFUSED`); better-sqlite3's carry
 * SQLite's extended result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`).
 */

/** The errors an error wraps (`cause`, an AggregateError's `errors`), itself first, each once. */
function* chain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 16) {
    const current = queue.shift();
    if (current === null || current === undefined || seen.has(current)) continue;
    seen.add(current);
    yield current;
    if (typeof current !== 'object') continue;
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
}

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

/** Node's codes for a connection that could not be made or broke. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN',
  'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'ENOTCONN',
]);

/**
 * PostgreSQL SQLSTATEs that say "the server or the connection is not there now", not "this
 * request is wrong": class 08 (connection exception), 57P01-57P03 (the server is shutting down,
 * crashed, or not yet accepting connections), 53300 (too many connections). A wrong
 * configuration (an unknown database, a refused password) is not among them: it stays a 500.
 */
function isPostgresUnavailable(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/**
 * node-postgres and Kysely say these without a code: the socket closed under a query, a client
 * already broken was asked again, the pool found no connection within its timeout, a query got no
 * answer within its deadline (PARLEY_PG_QUERY_TIMEOUT_MS: a paused server, a dropped network path).
 */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Postgres connection has been discarded',
  'Client was closed and is not queryable',
  'Query read timeout',
  // GroupCommitFailed (pg-group-commit.ts): a batch's COMMIT failed or its outcome is unknown.
  'The group commit failed',
];

/**
 * Whether `error` means the database cannot be used right now (a lost or refused connection, a
 * server shutting down, SQLite's lock held by another process past the busy timeout): the request
 * may well succeed if tried again later, so the caller answers 503 rather than 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of chain(error)) {
    const code = codeOf(e);
    if (code !== null) {
      if (SOCKET_CODES.has(code)) return true;
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && isPostgresUnavailable(code)) return true;
    }
    const message = messageOf(e);
    if (UNAVAILABLE_MESSAGES.some((known) => message.startsWith(known))) return true;
  }
  return false;
}

/** A unique index refused a write: PostgreSQL's 23505, SQLite's SQLITE_CONSTRAINT_UNIQUE (or _PRIMARYKEY). */
export function isUniqueViolation(error: unknown): boolean {
  for (const e of chain(error)) {
    const code = codeOf(e);
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  }
  return false;
}
