import { createClient } from 'redis';
import { DeadlineError, withDeadline } from '../rate-limit/deadline.js';
import { OutageProbe } from '../rate-limit/outage-probe.js';
import { redactRedisUrl } from '../rate-limit/redis-rate-limit-store.js';
import { reasonOf, TransportChangeFeed, type ChangeFeedErrorHandler } from './change-feed.js';

type RedisClient = ReturnType<typeof createClient>;

export const DEFAULT_REDIS_CHANGE_NAMESPACE = 'parley';

export interface RedisChangeFeedOptions {
  /** The channel is `<namespace>:changes`. Default `parley`. */
  namespace?: string;
  onError?: ChangeFeedErrorHandler;
  /** How long the first connection may take before start-up fails. Default 5 s. */
  connectTimeoutMs?: number;
  /** Shown by CLIENT LIST for both connections. Default `parley-changes`. */
  clientName?: string;
  /** How long a publish may wait for Redis (PARLEY_REDIS_TIMEOUT_MS). Default 300 ms. */
  timeoutMs?: number;
  /** After a publish ran out of time, how often to check whether Redis answers again. Default 1 s. */
  probeEveryMs?: number;
}

/** Still not answering is said again at most this often. */

/** Closes a client once its pending replies are in; drops it when they do not come within `ms`. */
async function closeClient(client: RedisClient, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    client.close().then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms))),
  ]);
  clearTimeout(timer);
  if (!timedOut) return;
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

/**
 * Redis pub/sub on `<namespace>:changes`: publish() runs PUBLISH on one connection, a second
 * one (`duplicate()`: in subscribe mode a connection can run nothing else) is subscribed. Both
 * reconnect with back-off; node-redis subscribes again before it reports the subscriber ready,
 * and the feed then delivers `{ type: 'resync' }`: messages published meanwhile are lost.
 *
 * A publish waits at most `timeoutMs` (node-redis's own timeout stops once the command is
 * written, so a stalled Redis would hold it forever). One that runs out of time marks Redis
 * stalled: later publishes reject at once, without queueing, until a PING every `probeEveryMs`
 * is answered; then the feed delivers `{ type: 'resync' }` to its own listeners, since every
 * instance dropped its changes meanwhile.
 */
export class RedisChangeFeed extends TransportChangeFeed {
  private readonly outage: OutageProbe;

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    readonly channel: string,
    onError: ChangeFeedErrorHandler | undefined,
    private readonly timeoutMs: number,
    private readonly probeEveryMs: number,
  ) {
    super('Redis change feed', onError);
    this.outage = new OutageProbe({
      ping: () => publisher.ping(),
      timeoutMs,
      probeEveryMs,
      what: 'PING',
      onDown: (error) => this.listeners.report(new Error(`Redis change feed: Redis does not answer (${reasonOf(error)}): changes are dropped until it does`, { cause: error })),
      onStillDown: (seconds, error) => this.listeners.report(new Error(`Redis change feed: Redis still does not answer after ${seconds} s (${reasonOf(error)})`, { cause: error })),
      onBack: (seconds) => {
        this.listeners.report(new Error(`Redis change feed: Redis answers again after ${seconds} s; publishing again`));
        // Changes of every instance were dropped meanwhile: what this instance keeps must be read again.
        this.listeners.resync();
      },
    });
  }

  /**
   * Connects both connections and subscribes; rejects at once (no retrying), leaving nothing
   * open, when Redis refuses, times out or rejects the connection (auth, TLS).
   */
  static async connect(url: string, options: RedisChangeFeedOptions = {}): Promise<RedisChangeFeed> {
    let started = false;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const timeoutMs = options.timeoutMs ?? 300;
    const publisher = createClient({
      url,
      name: options.clientName ?? 'parley-changes',
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries, cause) => (started ? Math.min(50 * 2 ** retries, 2_000) : cause),
      },
      // A publish while Redis is away waits this long in the queue, then fails.
      commandOptions: { timeout: timeoutMs },
    });
    const subscriber = publisher.duplicate();
    const channel = `${options.namespace || DEFAULT_REDIS_CHANGE_NAMESPACE}:changes`;
    const feed = new RedisChangeFeed(publisher, subscriber, channel, options.onError, timeoutMs, options.probeEveryMs ?? 1_000);
    for (const [client, role] of [
      [publisher, 'publishing'],
      [subscriber, 'subscribed'],
    ] as const) {
      client.on('error', (error: Error) => {
        // Before start-up completes, connect() rejects with it.
        if (started && !feed.closed) feed.listeners.report(new Error(`Redis change feed: ${role} connection: ${reasonOf(error)}`, { cause: error }));
      });
    }
    try {
      // connectTimeout covers TCP only; a Redis that accepts and never answers would hold the handshake.
      await withDeadline((async () => {
        await Promise.all([publisher.connect(), subscriber.connect()]);
        await subscriber.subscribe(channel, (message) => feed.listeners.receive(message));
      })(), connectTimeoutMs, 'connecting');
    } catch (error) {
      for (const client of [publisher, subscriber]) {
        try {
          client.destroy();
        } catch {
          // never opened, or closed by the failed connect
        }
      }
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new Error(`REDIS_URL: cannot use Redis at ${redactRedisUrl(url)} for change notifications: ${reason || 'no answer'}`, { cause: error });
    }
    started = true;
    // 'ready' comes again after each reconnect, once the channel is subscribed again.
    subscriber.on('ready', () => {
      if (!feed.closed) feed.listeners.resync();
    });
    return feed;
  }

  protected async send(payload: string): Promise<void> {
    if (this.outage.isDown) throw new Error('Redis does not answer; change dropped');
    if (!this.publisher.isReady) {
      // Reconnecting: queueing would only delay the failure. Dropped like during a stall.
      const error = new Error('not connected to Redis; change dropped');
      this.outage.down(error);
      throw error;
    }
    try {
      await withDeadline(this.publisher.publish(this.channel, payload), this.timeoutMs, 'PUBLISH');
    } catch (error) {
      if (error instanceof DeadlineError) this.outage.down(error);
      throw error;
    }
  }

  /** Waits (up to two seconds) for publishes under way, then closes both connections. */
  protected async shutdown(): Promise<void> {
    this.outage.close();
    await Promise.all([closeClient(this.subscriber, 2_000), closeClient(this.publisher, 2_000)]);
  }
}
