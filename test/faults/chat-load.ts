import { expect } from 'vitest';
import type { OpenApiValidator } from '../support/openapi-validator.js';

/** One answer that was not a 200, or a request that got no answer at all (status 0). */
export interface FailedRequest {
  op: 'send' | 'read';
  status: number;
  retryAfter: string | null;
  requestIdHeader: string | null;
  body: unknown;
  /** Why it counts as broken beyond its status: no answer in time, a body the document refuses. */
  problem: string | null;
}

export interface ChatTarget {
  url: string;
  validator: OpenApiValidator;
  /** `/v2/account-orders/{id}/messages` */
  path: string;
  tokens: string[];
}

/**
 * Senders and readers hammering one thread while a test breaks the database under them. Every
 * send carries a unique text; a 200 adds it to `acknowledged`. Each read that answers 200 must
 * contain every message acknowledged before the read was sent (else `lostOnRead` records it).
 * Requests carry their own deadline, so a hang shows up as a failure (status 0), never as a
 * stuck test.
 */
export class ChatLoad {
  readonly acknowledged = new Set<string>();
  readonly failures: FailedRequest[] = [];
  readonly lostOnRead: string[] = [];
  successes = 0;
  private running = false;
  private workers: Promise<void>[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  private sequence = 0;

  constructor(private readonly target: ChatTarget, private readonly requestTimeoutMs = 15_000) {}

  start(senders: number, readers: number): void {
    this.running = true;
    for (let i = 0; i < senders; i++) this.workers.push(this.loop(() => this.send(i)));
    for (let i = 0; i < readers; i++) this.workers.push(this.loop(() => this.read(i)));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  /** Resolves once `more` further requests have answered 200; rejects after `timeoutMs`. */
  moreSuccesses(more: number, timeoutMs: number, what: string): Promise<void> {
    const count = this.successes + more;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`${what}: fewer than ${more} successful requests within ${timeoutMs} ms (failures so far: ${JSON.stringify(this.failures.slice(-3))})`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ count, resolve: done });
    });
  }

  /** Every failure was a 503 with a Retry-After and the documented body. */
  expectOnly503s(): void {
    for (const failure of this.failures) {
      expect(failure.problem, JSON.stringify(failure)).toBeNull();
      expect(failure.status, JSON.stringify(failure)).toBe(503);
      expect(failure.retryAfter, JSON.stringify(failure)).toMatch(/^[1-9]\d*$/);
      expect(failure.body).toEqual({ message: 'Service Unavailable.', request_id: failure.requestIdHeader });
    }
  }

  private async loop(step: () => Promise<void>): Promise<void> {
    while (this.running) await step();
  }

  private succeeded(): void {
    this.successes++;
    const due = this.waiters.filter((w) => w.count <= this.successes);
    this.waiters = this.waiters.filter((w) => w.count > this.successes);
    for (const waiter of due) waiter.resolve();
  }

  private async send(worker: number): Promise<void> {
    const text = `load ${worker}-${++this.sequence}`;
    const token = this.target.tokens[worker % this.target.tokens.length]!;
    const answer = await this.request('send', 'POST', token, JSON.stringify({ message: text }));
    if (answer === null) return;
    if ((answer.body as { data?: { text?: string } } | undefined)?.data?.text !== text) {
      this.failures.push({ ...answer.failure, problem: `200 without the message sent: ${JSON.stringify(answer.body)}` });
      return;
    }
    this.acknowledged.add(text);
    this.succeeded();
  }

  private async read(worker: number): Promise<void> {
    const before = [...this.acknowledged];
    const answer = await this.request('read', 'GET', this.target.tokens[worker % this.target.tokens.length]!);
    if (answer === null) return;
    const texts = new Set(((answer.body as { data: { text: string }[] }).data ?? []).map((m) => m.text));
    for (const text of before) if (!texts.has(text)) this.lostOnRead.push(text);
    this.succeeded();
  }

  /** The parsed 200 body, or null after recording the failure. */
  private async request(op: 'send' | 'read', method: string, token: string, body?: string): Promise<{ body: unknown; failure: FailedRequest } | null> {
    const url = `${this.target.url}${this.target.path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body,
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      this.failures.push({ op, status: 0, retryAfter: null, requestIdHeader: null, body: undefined, problem: `no answer: ${String(error)}` });
      return null;
    }
    let parsed: unknown;
    let problem: string | null = null;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
      this.target.validator.validate(method, url, response.status, parsed, response.headers.get('content-type'));
    } catch (error) {
      problem = String(error);
    }
    const failure: FailedRequest = {
      op, status: response.status, retryAfter: response.headers.get('retry-after'),
      requestIdHeader: response.headers.get('x-gameboost-request-id'), body: parsed ?? text, problem,
    };
    if (response.status !== 200 || problem !== null) {
      this.failures.push(failure);
      return null;
    }
    return { body: parsed, failure };
  }
}

export interface TimedResponse {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * One request that must be answered within `timeoutMs` (it throws otherwise: a hang fails the
 * test at once), its body checked against the served OpenAPI document.
 */
export async function requestWithin(
  validator: OpenApiValidator,
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; timeoutMs?: number } = {},
): Promise<TimedResponse> {
  const url = `${baseUrl}${path}`;
  const response = await fetch(url, {
    method,
    headers: {
      accept: 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  const body = text === '' ? undefined : JSON.parse(text);
  validator.validate(method, url, response.status, body, response.headers.get('content-type'));
  return { status: response.status, headers: response.headers, body };
}

/** The database outage answer: 503, a Retry-After in seconds, the Laravel-style body with the request id. */
export function expectServiceUnavailable(res: TimedResponse, what: string): void {
  expect({ what, status: res.status, body: res.body }).toEqual({
    what,
    status: 503,
    body: { message: 'Service Unavailable.', request_id: res.headers.get('x-gameboost-request-id') },
  });
  expect(res.headers.get('retry-after'), what).toMatch(/^[1-9]\d*$/);
}
