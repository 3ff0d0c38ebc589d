import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';

/**
 * A webhook receiver for the black-box suites: a real node:http server on 127.0.0.1 that records
 * every request (headers and the exact raw body) and answers as each test tells it to. It checks
 * signatures with its own code, written from the spec, never with Parley's signer.
 */

export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/hook-3`. */
  path: string;
  /** Lower-case names, as node:http gives them. */
  headers: http.IncomingHttpHeaders;
  /** The raw body bytes, decoded as UTF-8 (the bytes were signed). */
  body: string;
  receivedAtMs: number;
  /** What the receiver did: a status code, `drop` (connection destroyed) or `hang` (never answered). */
  answer: number | 'drop' | 'hang';
}

/** How to answer one request: a status code, drop the connection, or never answer. */
export type Action = number | 'drop' | 'hang';

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** One-shot actions per path, used before the path's default. */
  private readonly scripts = new Map<string, Action[]>();
  private readonly defaults = new Map<string, Action>();
  private readonly hanging = new Set<http.ServerResponse>();
  private counter = 0;
  /** TCP connections accepted, HTTP or not (a TLS handshake to this plain server counts too). */
  connections = 0;

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {
    server.on('connection', () => this.connections++);
  }

  /** Starts listening on 127.0.0.1, on `port` if given (a port reserved earlier), else on any free one. */
  static async start(port = 0): Promise<Receiver> {
    let receiver!: Receiver;
    const server = http.createServer((req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    receiver = new Receiver(server, (server.address() as AddressInfo).port);
    return receiver;
  }

  /** A fresh path on this receiver, so each endpoint's requests can be told apart. */
  newPath(prefix = 'hook'): string {
    return `/${prefix}-${++this.counter}`;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next requests to `path` get these answers, in order; then the path's default applies. */
  script(path: string, ...actions: Action[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...actions]);
  }

  /** Every request to `path` without a scripted answer gets this one (default 200). */
  setDefault(path: string, action: Action): void {
    this.defaults.set(path, action);
  }

  /** Requests received on `path`, oldest first. */
  on(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Requests still waiting for an answer (`hang`). */
  get hangingCount(): number {
    return this.hanging.size;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const script = this.scripts.get(path);
      const action: Action = script?.shift() ?? this.defaults.get(path) ?? 200;
      this.requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAtMs: Date.now(),
        answer: action,
      });
      if (action === 'drop') {
        req.socket.destroy();
      } else if (action === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
      } else {
        const ok = action >= 200 && action < 300;
        res.writeHead(action, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { status: 'success' } : { status: 'error' }));
      }
    });
  }

  /** Cuts hanging requests and open connections, then stops listening. */
  async close(): Promise<void> {
    for (const res of this.hanging) res.socket?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port that was free a moment ago: listen on port 0, note the port, close. */
export async function reserveFreePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Polls `check` until it returns a truthy value (returned) or the deadline passes (throws). */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition', intervalMs = 20): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// --- Signature checks, written from the spec -------------------------------------------------

/** GameBoost `Signature`: lowercase hex HMAC-SHA256 of the raw body, the secret's UTF-8 bytes as key. */
export function gameBoostHex(secret: string, body: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');
}

/** Standard Webhooks key: base64 after `whsec_`, or the UTF-8 bytes of any other secret. */
export function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** Standard Webhooks `v1` signature: base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`. */
export function standardBase64(secret: string, id: string, timestamp: string, body: string): string {
  return createHmac('sha256', standardKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Does this lowercase hex signature match the body under this secret? */
export function verifiesHex(signature: string, secret: string, body: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  return sameBytes(Buffer.from(signature, 'hex'), Buffer.from(gameBoostHex(secret, body), 'hex'));
}

/** Does this `v1,<base64>` entry match under this secret? */
export function verifiesStandard(entry: string, secret: string, id: string, timestamp: string, body: string): boolean {
  const match = /^v1,([A-Za-z0-9+/]+={0,2})$/.exec(entry);
  if (!match) return false;
  return sameBytes(Buffer.from(match[1]!, 'base64'), Buffer.from(standardBase64(secret, id, timestamp, body), 'base64'));
}

function header(req: ReceivedRequest, name: string): string {
  const value = req.headers[name];
  expect(typeof value, `header ${name}: ${JSON.stringify(value)}`).toBe('string');
  return value as string;
}

export interface VerifiedDelivery {
  eventId: string;
  topic: string;
  timestamp: number;
  /** `{event, payload}` parsed from the raw body. */
  body: { event: string; payload: any };
  payload: any;
}

/**
 * Asserts everything a delivery must carry and that it is signed by `secrets` (current first,
 * then a rotated-out one still in its grace period): every multi-signature header holds exactly
 * one signature per secret, in that order, and `Signature` is the current secret's.
 */
export function expectSignedDelivery(req: ReceivedRequest, secrets: string[], expected: { topic?: string } = {}): VerifiedDelivery {
  expect(req.method).toBe('POST');
  expect(header(req, 'user-agent')).toBe('GameBoost Server');
  expect(header(req, 'content-type')).toMatch(/^application\/json\b/);

  const eventId = header(req, 'x-gameboost-event-id');
  expect(eventId).toMatch(/^evt_[0-9A-Z]{26}$/);
  expect(header(req, 'webhook-id')).toBe(eventId);
  const topic = header(req, 'x-gameboost-topic');
  if (expected.topic !== undefined) expect(topic).toBe(expected.topic);
  const timestamp = header(req, 'x-gameboost-timestamp');
  expect(timestamp).toMatch(/^\d{10}$/);
  expect(header(req, 'webhook-timestamp')).toBe(timestamp);
  expect(Math.abs(Number(timestamp) - req.receivedAtMs / 1000), 'timestamp is about now').toBeLessThan(5);

  // Compact JSON, `{"event": <topic>, "payload": ...}` in that order, stable under a re-serialisation.
  const body = req.body;
  const parsed = JSON.parse(body) as { event: string; payload: unknown };
  expect(JSON.stringify(parsed), 'the body is compact JSON that survives JSON.stringify(JSON.parse(body))').toBe(body);
  expect(Object.keys(parsed)).toEqual(['event', 'payload']);
  expect(parsed.event).toBe(topic);
  expect(body).not.toContain('\\/');

  // GameBoost's single signature: the current secret.
  expect(verifiesHex(header(req, 'signature'), secrets[0]!, body), 'Signature verifies with the current secret').toBe(true);

  const hexList = header(req, 'x-gameboost-signature').split(',');
  expect(hexList, 'X-GameBoost-Signature: one per secret').toHaveLength(secrets.length);
  hexList.forEach((sig, i) => expect(verifiesHex(sig, secrets[i]!, body), `X-GameBoost-Signature[${i}]`).toBe(true));

  const standardList = header(req, 'webhook-signature').split(' ');
  expect(standardList, 'webhook-signature: one per secret').toHaveLength(secrets.length);
  standardList.forEach((entry, i) =>
    expect(verifiesStandard(entry, secrets[i]!, eventId, timestamp, body), `webhook-signature[${i}]`).toBe(true));

  return { eventId, topic, timestamp: Number(timestamp), body: parsed as VerifiedDelivery['body'], payload: parsed.payload };
}
