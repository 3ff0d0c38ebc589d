import pg from 'pg';
import { reasonOf, TransportChangeFeed, type ChangeFeedErrorHandler } from './change-feed.js';

export const DEFAULT_PG_CHANGE_CHANNEL = 'parley_changes';

/** Runs one parameterised statement; a `pg.Pool`'s or `pg.Client`'s `query` will do. */
export type NotifyQuery = (text: string, values: unknown[]) => Promise<unknown>;

export interface PostgresChangeFeedOptions {
  /** The database to listen on (notifications stay within one database). */
  connectionString: string;
  /** Lower-case letters, digits and `_`, at most 63 characters. Default `parley_changes`. */
  channel?: string;
  /**
   * Publishes through this (say, the application's pool) instead of a connection of the feed's
   * own. It must not run inside a longer transaction: NOTIFY is sent at commit.
   */
  query?: NotifyQuery;
  onError?: ChangeFeedErrorHandler;
  /** How long a connection attempt may take; the first one failing fails start(). Default 5 s. */
  connectTimeoutMs?: number;
  /** Delay before the first reconnect attempt, doubled after each failure. Default 100 ms. */
  reconnectMinDelayMs?: number;
  /** Longest delay between reconnect attempts. Default 5 s. */
  reconnectMaxDelayMs?: number;
  /**
   * The listening connection runs `select 1` this often and is replaced when that fails or takes
   * longer than `connectTimeoutMs`: an idle connection to a vanished server (a dropped network
   * path) would otherwise wait for TCP to notice. Default 30 s; 0 switches it off.
   */
  heartbeatMs?: number;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** `postgres://user:secret@db:5432/parley?x=y` -> `db:5432/parley`: messages must not carry the password. */
function describeDatabase(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return '(the configured database)';
  }
}

/** A listening connection and what has gone wrong with it since it was opened. */
interface Listener {
  client: pg.Client;
  failure: Error | null;
  pid: number;
}

/**
 * LISTEN/NOTIFY: publish() runs `select pg_notify(channel, payload)`; a dedicated connection
 * (never a pool's: the pool would hand it to other queries and drop the LISTEN) listens on the
 * channel. When that connection is lost the feed reconnects with back-off, listens again and
 * delivers `{ type: 'resync' }` to its listeners: notifications sent while it was away are lost.
 */
export class PostgresChangeFeed extends TransportChangeFeed {
  readonly channel: string;
  private readonly target: string;
  private readonly query: NotifyQuery;
  private readonly ownPool: pg.Pool | null;
  private current: Listener | null = null;
  private opening: pg.Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private publishTail: Promise<unknown> = Promise.resolve();
  /** The payloads waiting for the statement under way to finish, and the promise of the one that will send them. */
  private nextBatch: { payloads: string[]; sent: Promise<void> } | null = null;

  private constructor(private readonly options: PostgresChangeFeedOptions) {
    super('PostgreSQL change feed', options.onError);
    this.channel = options.channel ?? DEFAULT_PG_CHANGE_CHANNEL;
    if (!CHANNEL.test(this.channel)) {
      throw new TypeError(`PostgreSQL change feed: channel must be lower-case letters, digits and _ (at most 63), got ${JSON.stringify(this.channel)}`);
    }
    this.target = describeDatabase(options.connectionString);
    if (options.query) {
      this.ownPool = null;
      this.query = options.query;
    } else {
      // One connection is enough: publishes run one at a time.
      const pool = new pg.Pool({ connectionString: options.connectionString, max: 1, connectionTimeoutMillis: this.connectTimeoutMs });
      pool.on('error', () => undefined); // an idle connection lost; the next publish opens another
      // Lost while checked out: the publish under way rejects with it; unheard, it would crash the process.
      pool.on('connect', (client) => client.on('error', () => undefined));
      this.ownPool = pool;
      this.query = (text, values) => pool.query(text, values);
    }
  }

  /** Connects and listens; rejects, leaving nothing open, when PostgreSQL does not answer. */
  static async start(options: PostgresChangeFeedOptions): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(options);
    try {
      feed.current = await feed.listen();
    } catch (error) {
      await feed.ownPool?.end().catch(() => undefined);
      throw new Error(`PostgreSQL change feed: cannot listen on ${feed.target}: ${reasonOf(error)}`, { cause: error });
    }
    feed.startHeartbeat();
    return feed;
  }

  /** The server process of the listening connection (`pg_stat_activity.pid`); null while reconnecting. */
  get listenerPid(): number | null {
    return this.current?.pid ?? null;
  }

  protected async send(payload: string): Promise<void> {
    // Published while the statement before is under way: goes with the next one.
    if (this.nextBatch) {
      this.nextBatch.payloads.push(payload);
      return this.nextBatch.sent;
    }
    // One statement at a time: two statements on two connections could commit, and notify, out of
    // order. Those published meanwhile share the next statement, in publish order (a JSON array's
    // elements come in order): a burst of sends costs one round trip, not one each. JSON, not a
    // text array: node-postgres escapes every element of a text array in JavaScript.
    const payloads = [payload];
    const sent = this.publishTail.then(() => {
      this.nextBatch = null;
      return payloads.length === 1
        ? this.query('select pg_notify($1, $2)', [this.channel, payloads[0]])
        : this.query('select pg_notify($1, p) from json_array_elements_text($2::json) as p', [this.channel, JSON.stringify(payloads)]);
    }).then(() => undefined);
    this.nextBatch = { payloads, sent };
    this.publishTail = sent.catch(() => undefined);
    return sent;
  }

  /** Waits for publishes under way, then closes both connections. */
  protected async shutdown(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.reconnectTimer = this.heartbeatTimer = null;
    const listening = this.current?.client;
    this.current = null;
    await Promise.all([
      listening?.end().catch(() => undefined),
      this.opening?.end().catch(() => undefined),
      this.publishTail.then(() => this.ownPool?.end()).catch(() => undefined),
    ]);
  }

  private get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? 5_000;
  }

  /** A new connection listening on the channel. */
  private async listen(): Promise<Listener> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.connectTimeoutMs,
      keepAlive: true,
    });
    const listener: Listener = { client, failure: null, pid: 0 };
    const lost = (error: Error) => {
      listener.failure ??= error;
      if (this.current === listener) this.lost(listener);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    client.on('notification', (message) => {
      if (this.current === listener && message.channel === this.channel) this.listeners.receive(message.payload ?? '');
    });
    this.opening = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      listener.pid = rows[0]!.pid;
      if (listener.failure) throw listener.failure; // lost between two awaits
      if (this.closed) throw new Error('closed');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    } finally {
      this.opening = null;
    }
    return listener;
  }

  private lost(listener: Listener): void {
    if (this.closed || this.current !== listener) return;
    this.current = null;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
    listener.client.end().catch(() => undefined);
    this.listeners.report(
      new Error(`PostgreSQL change feed: lost the listening connection to ${this.target} (${reasonOf(listener.failure)}); reconnecting`, {
        cause: listener.failure,
      }),
    );
    this.scheduleReconnect(0);
  }

  private scheduleReconnect(failures: number): void {
    const min = this.options.reconnectMinDelayMs ?? 100;
    const max = this.options.reconnectMaxDelayMs ?? 5_000;
    const delay = Math.min(min * 2 ** failures, max);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.listen().then(
        (listener) => {
          if (this.closed) return void listener.client.end().catch(() => undefined);
          this.current = listener;
          this.startHeartbeat();
          this.listeners.resync();
        },
        (error: unknown) => {
          if (this.closed) return;
          this.listeners.report(new Error(`PostgreSQL change feed: reconnecting to ${this.target} failed: ${reasonOf(error)}`, { cause: error }));
          this.scheduleReconnect(failures + 1);
        },
      );
    }, delay);
  }

  private startHeartbeat(): void {
    const every = this.options.heartbeatMs ?? 30_000;
    if (every <= 0) return;
    this.heartbeatTimer = setTimeout(() => {
      const listener = this.current;
      if (!listener) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
      });
      Promise.race([listener.client.query('select 1'), timedOut]).finally(() => clearTimeout(timer)).then(
        () => {
          if (this.current === listener) this.startHeartbeat();
        },
        (error: unknown) => {
          listener.failure ??= new Error(`heartbeat failed: ${reasonOf(error)}`, { cause: error });
          this.lost(listener);
        },
      );
    }, every);
    this.heartbeatTimer.unref();
  }
}
