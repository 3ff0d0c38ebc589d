/** Laravel's field errors: each field with its messages. */
export type FieldErrors = Record<string, string[]>;

/**
 * Every failure the SDK reports: an error answer of the API (`status` is its HTTP status) or,
 * as the subclass ParleyConnectionError, no answer at all (`status` 0).
 */
export class ParleyError extends Error {
  override readonly name: string = 'ParleyError';
  /** The HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** The 422 answer's `errors` (empty otherwise). */
  readonly errors: FieldErrors;
  /** The X-GameBoost-Request-Id of the answer (or its body's `request_id`): quote it to the operator. */
  readonly requestId: string | null;
  /** The answer's parsed body, when it was JSON. */
  readonly body: unknown;
  /** Seconds the server asked to wait (429 and 503 answers). */
  readonly retryAfter: number | null;

  constructor(init: { status: number; message: string; errors?: FieldErrors; requestId?: string | null; body?: unknown; retryAfter?: number | null }, options?: { cause?: unknown }) {
    super(init.message, options);
    this.status = init.status;
    this.errors = init.errors ?? {};
    this.requestId = init.requestId ?? null;
    this.body = init.body;
    this.retryAfter = init.retryAfter ?? null;
  }

  /** The same as requestId, spelt as the wire spells it. */
  get request_id(): string | null {
    return this.requestId;
  }

  /** Builds the error for an answer that is not a success. */
  static fromResponse(response: Response, body: unknown): ParleyError {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const message = typeof fields.message === 'string' ? fields.message : `HTTP ${response.status}`;
    const errors = typeof fields.errors === 'object' && fields.errors !== null ? (fields.errors as FieldErrors) : {};
    const requestId = response.headers.get('x-gameboost-request-id') ?? (typeof fields.request_id === 'string' ? fields.request_id : null);
    return new ParleyError({ status: response.status, message, errors, requestId, body, retryAfter: retryAfterSeconds(response.headers) });
  }
}

/** The server could not be reached (refused, reset, DNS, timeout); `status` is 0. */
export class ParleyConnectionError extends ParleyError {
  override readonly name: string = 'ParleyConnectionError';

  constructor(message: string, cause: unknown) {
    super({ status: 0, message }, { cause });
  }
}

/** Retry-After as seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(headers: Headers): number | null {
  const value = headers.get('retry-after');
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
