import { randomUUID } from 'node:crypto';
import { ParleyConnectionError, ParleyError } from './errors.js';
import { streamFetch } from './stream-fetch.js';

export interface RetryPolicy {
  /** Further attempts after the first (default 2). */
  retries: number;
  /** The longest Retry-After the client waits for; a longer one is thrown as the 429 (default 60 s). */
  maxRetryAfterMs: number;
  /** Back-off before retrying a lost connection: this, doubled each time (default 250 ms). */
  backoffMs: number;
}

export interface TransportOptions {
  baseUrl: string;
  token?: string | null;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** How the client waits before a retry (tests move their clock instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** Told of every answer (after retries), e.g. for logging or coverage. */
  onResponse?: (info: { operationId: string | null; method: string; url: string; status: number }) => void;
  userAgent?: string;
}

export interface SendRequest {
  operationId: string | null;
  method: string;
  /** Relative to baseUrl, query string included. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const KEYED_METHODS = new Set(['POST', 'PATCH']);

/** Whether a fetch failure is one a retry can cure (not the caller's own abort). */
function isNetworkError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return false;
  return error instanceof TypeError || (error as { name?: string })?.name === 'FetchError';
}

/**
 * Sends one request with the SDK's retry rules: a 429 after its Retry-After (the server did
 * nothing); a lost connection and a 503 only when the call is safe to repeat, which every call
 * is: reads and deletes by nature, POST and PATCH by the Idempotency-Key sent with them (the same
 * on every attempt, so the server answers a repeat with the stored answer).
 */
export class Transport {
  readonly baseUrl: string;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.policy = { retries: 2, maxRetryAfterMs: 60_000, backoffMs: 250, ...options.retry };
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.options.userAgent ?? 'parley-sdk', ...extra };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    return headers;
  }

  /** Waits before a retry or a reconnection (the `sleep` option when given). */
  sleep(ms: number): Promise<void> {
    return this.options.sleep ? this.options.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Answers the parsed JSON body of a success (undefined when empty); throws ParleyError otherwise. */
  async send(request: SendRequest): Promise<unknown> {
    const { response, body } = await this.exchange(request);
    if (!response.ok) throw ParleyError.fromResponse(response, body);
    return body;
  }

  /** The raw answer (for streams, over streamFetch): retries as `send` does, but hands back any success unread. */
  async open(request: SendRequest): Promise<Response> {
    const method = request.method.toUpperCase();
    const headers = this.headers(request.headers);
    const url = `${this.baseUrl}${request.path}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = this.options.fetch
          ? await this.options.fetch(url, { method, headers, signal: request.signal })
          : await streamFetch(url, { method, headers, signal: request.signal });
      } catch (error) {
        if (attempt < this.policy.retries && isNetworkError(error, request.signal)) {
          await this.sleep(this.policy.backoffMs * 2 ** attempt);
          continue;
        }
        throw this.connectionError(error, request.signal);
      }
      const wait = this.retryDelay(response, attempt, true);
      if (wait !== null) {
        await response.body?.cancel();
        await this.sleep(wait);
        continue;
      }
      this.options.onResponse?.({ operationId: request.operationId, method, url, status: response.status });
      if (!response.ok) throw ParleyError.fromResponse(response, await readJson(response));
      return response;
    }
  }

  private async exchange(request: SendRequest): Promise<{ response: Response; body: unknown }> {
    const method = request.method.toUpperCase();
    const extra: Record<string, string> = { ...request.headers };
    let payload: string | undefined;
    if (request.body !== undefined) {
      payload = JSON.stringify(request.body);
      extra['content-type'] = 'application/json';
    }
    const keyed = KEYED_METHODS.has(method);
    if (keyed) extra['idempotency-key'] = request.idempotencyKey ?? randomUUID();
    const safe = keyed || IDEMPOTENT_METHODS.has(method);
    const headers = this.headers(extra);
    const url = `${this.baseUrl}${request.path}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(url, { method, headers, body: payload, signal: request.signal });
      } catch (error) {
        if (safe && attempt < this.policy.retries && isNetworkError(error, request.signal)) {
          await this.sleep(this.policy.backoffMs * 2 ** attempt);
          continue;
        }
        throw this.connectionError(error, request.signal);
      }
      // A 409 on a repeat of a keyed call: the first attempt is still running on the server.
      const inFlight = keyed && attempt > 0 && response.status === 409 && attempt < this.policy.retries;
      const wait = inFlight ? this.policy.backoffMs * 2 ** attempt : this.retryDelay(response, attempt, safe);
      if (wait !== null) {
        await response.body?.cancel();
        await this.sleep(wait);
        continue;
      }
      const body = await readJson(response);
      this.options.onResponse?.({ operationId: request.operationId, method, url, status: response.status });
      return { response, body };
    }
  }

  /** How long to wait before retrying this answer, or null to hand it back. */
  private retryDelay(response: Response, attempt: number, safe: boolean): number | null {
    if (attempt >= this.policy.retries) return null;
    if (response.status !== 429 && !(response.status === 503 && safe)) return null;
    const seconds = ParleyError.fromResponse(response, undefined).retryAfter;
    const ms = seconds === null ? this.policy.backoffMs * 2 ** attempt : seconds * 1000;
    return ms <= this.policy.maxRetryAfterMs ? ms : null;
  }

  private connectionError(error: unknown, signal?: AbortSignal): ParleyError {
    if (signal?.aborted) return new ParleyConnectionError('The request was aborted', error);
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
    return new ParleyConnectionError(`Cannot connect to ${this.baseUrl}: ${detail}`, error);
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
