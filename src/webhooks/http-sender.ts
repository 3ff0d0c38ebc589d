import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress, literalAddress } from './address-policy.js';
import type { ParleyEnv } from './url-policy.js';

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
 * public: the socket then connects to exactly the addresses checked here.
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

/**
 * One POST with a hard deadline. node:http rather than fetch because it lets the address check
 * run on the very connection being made (the `lookup` hook), and it never follows redirects.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, options: SenderOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    // Declared before finish() can run: a refusal settles before any timer exists.
    let deadline: NodeJS.Timeout | undefined;
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ ...result, durationMs: elapsed() });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return finish({ statusCode: null, error: 'invalid URL' });
    }
    const refusal = refusalFor(target, options.env);
    if (refusal !== null) return finish({ statusCode: null, error: refusal });
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      ...(options.env === 'production' ? { lookup: guardedLookup } : {}),
    });
    deadline = setTimeout(() => {
      request.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('response', (response) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > options.maxResponseBytes) response.destroy(); // enough: the status is all we need
      });
      const done = () => finish({ statusCode: response.statusCode ?? null, error: null });
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.on('error', (error) => finish({ statusCode: null, error: error.message }));
    request.end(body);
  });
}
