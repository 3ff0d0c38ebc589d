import { createClient } from 'redis';
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
}

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
 */
export class RedisChangeFeed extends TransportChangeFeed {
  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    readonly channel: string,
    onError: ChangeFeedErrorHandler | undefined,
  ) {
    super('Redis change feed', onError);
  }

  /**
   * Connects both connections and subscribes; rejects at once (no retrying), leaving nothing
   * open, when Redis refuses, times out or rejects the connection (auth, TLS).
   */
  static async connect(url: string, options: RedisChangeFeedOptions = {}): Promise<RedisChangeFeed> {
    let started = false;
    const publisher = createClient({
      url,
      name: options.clientName ?? 'parley-changes',
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        reconnectStrategy: (retries, cause) => (started ? Math.min(50 * 2 ** retries, 2_000) : cause),
      },
      // A publish while Redis is away waits this long in the queue, then fails.
      commandOptions: { timeout: 2_000 },
    });
    const subscriber = publisher.duplicate();
    const channel = `${options.namespace || DEFAULT_REDIS_CHANGE_NAMESPACE}:changes`;
    const feed = new RedisChangeFeed(publisher, subscriber, channel, options.onError);
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
      await Promise.all([publisher.connect(), subscriber.connect()]);
      await subscriber.subscribe(channel, (message) => feed.listeners.receive(message));
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
    await this.publisher.publish(this.channel, payload);
  }

  /** Waits (up to two seconds) for publishes under way, then closes both connections. */
  protected async shutdown(): Promise<void> {
    await Promise.all([closeClient(this.subscriber, 2_000), closeClient(this.publisher, 2_000)]);
  }
}
