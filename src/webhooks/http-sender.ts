import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { createRequire } from 'node:module';
import type { Dispatcher, Pool } from 'undici';
import { isPublicAddress, literalAddress } from './address-policy.js';
import type { ParleyEnv } from './url-policy.js';

/** undici, loaded with the first delivery: a deployment without webhooks never holds it in memory. */
let undiciModule: typeof import('undici') | null = null;
function undici(): typeof import('undici') {
  return (undiciModule ??= createRequire(import.meta.url)('undici') as typeof import('undici'));
}

export interface SendResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface SenderOptions {
  env: ParleyEnv;
  timeoutMs: number;
  /** Bytes of a receiver's answer read at most; the rest is discarded unread. */
  maxResponseBytes: number;
}

/**
 * In production a host name's connection is refused unless every address it resolves to is
 * public: the socket then connects to exactly the addresses checked here. A kept-alive connection
 * was checked when it was made, so reusing it never reaches an address the policy refuses.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as dns.LookupAddress[];
    const blocked = list.find((a) => !isPublicAddress(a.address));
    if (blocked || list.length === 0) {
      const what = blocked ? `${hostname} resolves to ${blocked.address}, not a public address` : `${hostname} resolves to no address`;
      return callback(Object.assign(new Error(`refused (PARLEY_ENV=production): ${what}`), { code: 'EADDRNOTPUBLIC' }), '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/**
 * Why production must not connect to `target` at all, or null. Node connects to an IP literal
 * without calling `lookup`, so literals are checked here; host names in guardedLookup.
 */
export function refusalFor(target: URL, env: ParleyEnv): string | null {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return `refused: ${target.protocol} URL`;
  if (env !== 'production') return null;
  if (target.protocol !== 'https:') return `refused (PARLEY_ENV=production): an ${target.protocol.slice(0, -1)} URL; production delivers to https URLs only`;
  const literal = literalAddress(target.hostname);
  if (literal !== null && !isPublicAddress(literal)) return `refused (PARLEY_ENV=production): ${literal} is not a public address`;
  return null;
}

/** A receiver URL as parsed once: its pool, or why it is never connected to. */
interface Receiver {
  pool: Pool | null;
  path: string;
  refusal: string | null;
  /** Requests under way, and when the last one ended (for closing idle pools). */
  busy: number;
  idleSince: number;
}

export interface PoolOptions {
  env: ParleyEnv;
  /** Connections one endpoint may hold open at once (its concurrency). */
  connectionsPerEndpoint: number;
  /** A pool unused for this long is closed. */
  idleCloseMs?: number;
  /** undici's connect timeout (its default is 10 s). */
  connectTimeoutMs?: number;
}

const DEFAULT_IDLE_CLOSE_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Keep-alive connection pools, one per endpoint (not per origin: two endpoints on one host must
 * not share connections, or a hanging one would hold the other's). undici rather than node:http:
 * a third less client CPU per POST, and it never follows redirects. The address policy runs on
 * every new connection through the `lookup` hook.
 */
export class ReceiverPools {
  private readonly receivers = new Map<string, Receiver>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: PoolOptions) {
    const idleCloseMs = options.idleCloseMs ?? DEFAULT_IDLE_CLOSE_MS;
    this.sweeper = setInterval(() => this.closeIdle(idleCloseMs), idleCloseMs);
    this.sweeper.unref();
  }

  private receiverFor(endpointKey: string, url: string): Receiver {
    const key = `${endpointKey} ${url}`;
    let receiver = this.receivers.get(key);
    if (receiver) return receiver;
    let target: URL | null = null;
    try {
      target = new URL(url);
    } catch {
      // refused below
    }
    const refusal = target === null ? 'invalid URL' : refusalFor(target, this.options.env);
    receiver = { pool: null, path: target ? `${target.pathname}${target.search}` : '/', refusal, busy: 0, idleSince: performance.now() };
    if (refusal === null && target !== null) {
      receiver.pool = new (undici().Pool)(target.origin, {
        connections: this.options.connectionsPerEndpoint,
        pipelining: 1,
        // The attempt's own deadline (post) ends every wait; undici's are only a backstop.
        connectTimeout: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ...(this.options.env === 'production' ? { connect: { lookup: guardedLookup } } : {}),
      });
    }
    this.receivers.set(key, receiver);
    return receiver;
  }

  /**
   * One POST with a hard deadline; never throws. Through undici's dispatch API rather than
   * request(): no body stream is built for an answer whose status is all that counts (a fifth
   * less CPU per POST).
   */
  post(endpointKey: string, url: string, headers: Record<string, string>, body: string, options: Omit<SenderOptions, 'env'>): Promise<SendResult> {
    const started = performance.now();
    const receiver = this.receiverFor(endpointKey, url);
    if (receiver.pool === null) return Promise.resolve({ statusCode: null, error: receiver.refusal, durationMs: 0 });
    receiver.busy++;
    return new Promise<SendResult>((resolve) => {
      let controller: Dispatcher.DispatchController | null = null;
      let statusCode: number | null = null;
      let read = 0;
      let settled = false;
      const finish = (error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        receiver.busy--;
        receiver.idleSince = performance.now();
        resolve({ statusCode: error === null ? statusCode : null, error, durationMs: Math.round(performance.now() - started) });
      };
      const deadline = setTimeout(() => {
        const message = `timed out after ${options.timeoutMs} ms`;
        finish(message);
        // Not yet handed to a connection (still connecting): aborted as soon as it is.
        controller?.abort(new Error(message));
      }, options.timeoutMs);
      receiver.pool!.dispatch({ path: receiver.path, method: 'POST', headers, body }, {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new Error(`timed out after ${options.timeoutMs} ms`));
        },
        onResponseStart(_c, status) {
          statusCode = status;
        },
        onResponseData(c, chunk) {
          read += chunk.length;
          // Enough: the status is all that counts; the rest is not read (the connection is dropped).
          if (read > options.maxResponseBytes) {
            finish(null);
            c.abort(new Error('answer larger than the limit: not read further'));
          }
        },
        onResponseEnd() {
          finish(null);
        },
        onResponseError(_c, error) {
          finish(messageOf(error));
        },
      });
    });
  }

  private closeIdle(idleMs: number): void {
    const now = performance.now();
    for (const [key, receiver] of this.receivers) {
      if (receiver.busy > 0 || now - receiver.idleSince < idleMs) continue;
      this.receivers.delete(key);
      receiver.pool?.close().catch(() => undefined);
    }
  }

  /** Closes every pool, dropping the requests still under way (the worker waits for them first). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const pools = [...this.receivers.values()].flatMap((r) => (r.pool ? [r.pool] : []));
    this.receivers.clear();
    await Promise.allSettled(pools.map((pool) => pool.destroy()));
  }
}

/** undici wraps socket errors; the innermost message says what happened (a refusal, ECONNREFUSED). */
function messageOf(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const message = current instanceof Error ? current.message : String(current);
  return message || (error instanceof Error ? error.message : String(error)) || 'request failed';
}

/** One POST on a connection of its own (closed after): for tests and one-off sends. */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, options: SenderOptions): Promise<SendResult> {
  const pools = new ReceiverPools({ env: options.env, connectionsPerEndpoint: 1, connectTimeoutMs: options.timeoutMs });
  try {
    return await pools.post('once', url, headers, body, options);
  } finally {
    await pools.close();
  }
}
