import { ORDER_STATUSES, type OrderStatus } from '../domain/order-status.js';
import { ORDER_KINDS, type OrderKind } from '../domain/ports.js';

/**
 * "Something changed" signals between Parley instances (live updates, the auth cache). They are
 * hints, not records: a consumer reacts by reading the database, which stays the truth. A change
 * names what to re-read and nothing more (never a secret: a revoked API key travels as the hex
 * SHA-256 already stored in `api_keys.token_hash`).
 */
export type PublishedChange =
  | { type: 'order.message.created'; orderId: number; kind: OrderKind; messageId: string }
  | { type: 'order.status.updated'; orderId: number; kind: OrderKind; status: OrderStatus }
  | { type: 'api_key.revoked'; keyHash: string }
  /** The sandbox clock moved (src/sandbox): re-read its offset. */
  | { type: 'clock.changed' }
  /** Events about orders were committed that no change above names (purchases, disputes): live streams read the log. */
  | { type: 'stream.appended' };

/**
 * Delivered to this instance's listeners only, never published: the feed lost its connection and
 * got it back, so changes published meanwhile may be missing. Re-read what you keep.
 */
export type ResyncChange = { type: 'resync' };

export type Change = PublishedChange | ResyncChange;

export type ChangeListener = (change: Change) => void;

/**
 * The channel every Parley instance shares. Each listener of each instance, the publishing one
 * included, receives each published change once per subscription, so a caller that publishes
 * needs no local path of its own. Changes published by one feed arrive in the order publish()
 * was called. Delivery is asynchronous: never inside publish().
 */
export interface ChangeFeed {
  /** Rejects when the change is invalid or too large, or when the server does not take it. */
  publish(change: PublishedChange): Promise<void>;
  /** Returns the unsubscribe function; once it has run, the listener is not called again. */
  subscribe(listener: ChangeListener): () => void;
  /** Stops delivery and releases connections and timers. Idempotent. */
  close(): Promise<void>;
}

/**
 * PostgreSQL rejects NOTIFY payloads of 8000 bytes or more. Every feed applies the limit, so a
 * change accepted on SQLite or Redis is accepted on PostgreSQL too.
 */
export const MAX_CHANGE_PAYLOAD_BYTES = 7999;

/** Where feeds report what they cannot throw: malformed messages, listener errors, lost connections. */
export type ChangeFeedErrorHandler = (error: Error) => void;

export const defaultChangeFeedErrorHandler: ChangeFeedErrorHandler = (error) =>
  process.stderr.write(`parley: ${error.message}\n`);

/** An error's message for another error's (node-redis timeouts have none). */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message || error.constructor.name : String(error);
}

const KEY_HASH = /^[0-9a-f]{64}$/;

type Fields = Record<string, unknown>;

function isOrderId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isKind(value: unknown): value is OrderKind {
  return (ORDER_KINDS as readonly unknown[]).includes(value);
}

function isStatus(value: unknown): value is OrderStatus {
  return (ORDER_STATUSES as readonly unknown[]).includes(value);
}

/**
 * The change `value` describes, rebuilt from its known fields only (fields a newer Parley adds
 * are ignored), or a reason it is not one.
 */
export function toPublishedChange(value: unknown): PublishedChange | { invalid: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { invalid: 'not an object' };
  const fields = value as Fields;
  switch (fields.type) {
    case 'order.message.created': {
      const { orderId, kind, messageId } = fields;
      if (!isOrderId(orderId)) return { invalid: 'orderId must be a positive integer' };
      if (!isKind(kind)) return { invalid: `kind must be one of ${ORDER_KINDS.join(', ')}` };
      if (typeof messageId !== 'string' || messageId === '') return { invalid: 'messageId must be a non-empty string' };
      return { type: fields.type, orderId, kind, messageId };
    }
    case 'order.status.updated': {
      const { orderId, kind, status } = fields;
      if (!isOrderId(orderId)) return { invalid: 'orderId must be a positive integer' };
      if (!isKind(kind)) return { invalid: `kind must be one of ${ORDER_KINDS.join(', ')}` };
      if (!isStatus(status)) return { invalid: `status must be one of ${ORDER_STATUSES.join(', ')}` };
      return { type: fields.type, orderId, kind, status };
    }
    case 'api_key.revoked': {
      const { keyHash } = fields;
      if (typeof keyHash !== 'string' || !KEY_HASH.test(keyHash)) return { invalid: 'keyHash must be 64 lowercase hex characters (SHA-256)' };
      return { type: fields.type, keyHash };
    }
    case 'clock.changed':
    case 'stream.appended':
      return { type: fields.type };
    default:
      return { invalid: `unknown type ${JSON.stringify(fields.type) ?? 'undefined'}` };
  }
}

/** The wire form of a change; throws (a publish rejects) when it is invalid or too large. */
export function encodeChange(change: PublishedChange): string {
  const parsed = toPublishedChange(change);
  if ('invalid' in parsed) throw new TypeError(`change feed: cannot publish this change: ${parsed.invalid}`);
  const payload = JSON.stringify(parsed);
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > MAX_CHANGE_PAYLOAD_BYTES) {
    throw new RangeError(`change feed: cannot publish a ${parsed.type} change of ${bytes} bytes: the limit is ${MAX_CHANGE_PAYLOAD_BYTES} (PostgreSQL NOTIFY)`);
  }
  return payload;
}

/**
 * True when the wire form of `change` (valid, as toPublishedChange returns it) is under the size
 * limit for certain, without encoding it: no character of a string takes more than 6 bytes
 * (a `\uXXXX` escape), and the numbers, keys and punctuation of any change take under 128.
 */
export function certainlyFits(change: PublishedChange): boolean {
  let chars = 0;
  for (const value of Object.values(change)) if (typeof value === 'string') chars += value.length;
  return 128 + 6 * chars <= MAX_CHANGE_PAYLOAD_BYTES;
}

/** A wire payload back to a change, frozen (its listeners share it), or a reason it is not one. */
export function decodeChange(payload: string): PublishedChange | { invalid: string } {
  // Characters never outnumber bytes: a longer payload is over the limit (and not worth parsing).
  if (payload.length > MAX_CHANGE_PAYLOAD_BYTES) return { invalid: `over ${MAX_CHANGE_PAYLOAD_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { invalid: 'not JSON' };
  }
  const change = toPublishedChange(value);
  return 'invalid' in change ? change : Object.freeze(change);
}

const RESYNC: ResyncChange = Object.freeze({ type: 'resync' });

/** Payloads quoted in error messages are cut to this many characters. */
const QUOTED_PAYLOAD_CHARS = 200;

/**
 * The subscriptions of one feed. A listener that throws (or returns a rejected promise) is
 * reported and the others still run; a malformed payload is reported and dropped.
 */
export class ChangeListeners {
  private readonly subscriptions = new Set<{ listener: ChangeListener }>();

  constructor(
    private readonly source: string,
    private readonly onError: ChangeFeedErrorHandler,
  ) {}

  add(listener: ChangeListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('change feed: a listener must be a function');
    // One entry per call: the same function subscribed twice is called twice.
    const subscription = { listener };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  /** Calls each listener subscribed now and still subscribed when its turn comes. */
  deliver(change: Change): void {
    for (const subscription of [...this.subscriptions]) {
      if (!this.subscriptions.has(subscription)) continue; // unsubscribed by an earlier listener
      try {
        const result: unknown = subscription.listener(change);
        if (result instanceof Promise) result.catch((error: unknown) => this.listenerFailed(change, error));
      } catch (error) {
        this.listenerFailed(change, error);
      }
    }
  }

  /** Delivers a payload received from the channel, or reports and drops it. */
  receive(payload: string): void {
    const change = decodeChange(payload);
    if ('invalid' in change) {
      const quoted = payload.length > QUOTED_PAYLOAD_CHARS ? `${payload.slice(0, QUOTED_PAYLOAD_CHARS)}...` : payload;
      this.report(new Error(`${this.source}: dropped a malformed message (${change.invalid}): ${JSON.stringify(quoted)}`));
      return;
    }
    this.deliver(change);
  }

  resync(): void {
    this.deliver(RESYNC);
  }

  clear(): void {
    this.subscriptions.clear();
  }

  report(error: Error): void {
    try {
      this.onError(error);
    } catch {
      // a failing logger must not stop delivery
    }
  }

  private listenerFailed(change: Change, error: unknown): void {
    this.report(new Error(`${this.source}: a listener failed on ${change.type}: ${reasonOf(error)}`, { cause: error }));
  }
}

/**
 * What the feeds share: validation and the size limit at publish, subscriptions, an idempotent
 * close. A feed supplies the transport: `send` a payload on the channel, `shutdown` its connections.
 */
export abstract class TransportChangeFeed implements ChangeFeed {
  protected readonly listeners: ChangeListeners;
  private closing: Promise<void> | null = null;

  constructor(
    /** Starts every message this feed reports, e.g. "Redis change feed". */
    protected readonly name: string,
    onError: ChangeFeedErrorHandler | undefined,
  ) {
    this.listeners = new ChangeListeners(name, onError ?? defaultChangeFeedErrorHandler);
  }

  protected get closed(): boolean {
    return this.closing !== null;
  }

  async publish(change: PublishedChange): Promise<void> {
    if (this.closed) throw new Error(`${this.name}: closed`);
    const payload = encodeChange(change);
    try {
      await this.send(payload);
    } catch (error) {
      throw new Error(`${this.name}: publish failed: ${reasonOf(error)}`, { cause: error });
    }
  }

  subscribe(listener: ChangeListener): () => void {
    if (this.closed) return () => undefined;
    return this.listeners.add(listener);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.listeners.clear();
      await this.shutdown();
    })();
    return this.closing;
  }

  /** Publishes a valid payload; resolves once the server has it. */
  protected abstract send(payload: string): Promise<void>;

  /** Releases connections and timers; runs once, after the listeners are gone. */
  protected abstract shutdown(): Promise<void>;
}
