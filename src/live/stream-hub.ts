import { HEARTBEAT_FRAME, eventsStreamFrame, orderStreamFrame, type ResetReason } from '../contract/streams.js';
import type { EventLogStore, EventScope, LoggedEvent } from '../domain/event-log.js';
import type { StreamConnection } from './stream-connection.js';

export interface StreamHubOptions {
  /** Between two heartbeat comments. */
  heartbeatMs: number;
  /** A resume that would replay more events than this is reset instead (`too_far_behind`). */
  replayMax: number;
  /** Open streams per key (or admin token) on this instance. */
  maxPerKey: number;
  /**
   * While streams are open, the log is read this often even without a change (a change lost
   * while the feed reconnected, another process on the same SQLite file).
   */
  pollMs: number;
}

/** What one stream follows and how it writes. */
export interface StreamSpec {
  scope: EventScope;
  /** `order`: message/status frames; `events`: webhook topics and payloads. */
  format: 'order' | 'events';
  /** Only these topics (events streams); null: all. */
  topics: ReadonlySet<string> | null;
  /** Counted against the per-key limit. */
  subject: string;
}

interface Subscriber extends StreamSpec {
  connection: StreamConnection;
  /** The number of the last event this stream has passed (sent or skipped). */
  lastSeq: number;
  /** Live events held while the stream replays what it missed. */
  held: LoggedEvent[] | null;
}

/** Rows read per query. */
const PAGE = 500;
/** Log numbers a scoped replay reads per query: a few milliseconds of work each. */
const SCAN_WINDOW = 20_000;
/** The longest range a replay goes through: a client further behind the log's end is `too_far_behind`. */
export const REPLAY_SCAN_MAX = 1_000_000;

/** The frames of one event, built once for all the streams that get it. */
class Frames {
  private order: string | null | undefined;
  private events: string | undefined;
  constructor(readonly event: LoggedEvent) {}
  of(format: 'order' | 'events'): string | null {
    if (format === 'events') return (this.events ??= eventsStreamFrame(this.event));
    if (this.order === undefined) this.order = orderStreamFrame(this.event);
    return this.order;
  }
}

/**
 * Every stream of this instance, and the one reader of the log that feeds them all: a change on
 * the feed (or a commit here) wakes it, it reads the events after its cursor once and hands each
 * to the streams it concerns (indexed by order and by user, so a send costs the streams of its
 * order, not all of them). With no stream open it reads nothing.
 */
export class StreamHub {
  private readonly byOrder = new Map<string, Set<Subscriber>>();
  private readonly byUser = new Map<number, Set<Subscriber>>();
  private readonly everything = new Set<Subscriber>();
  private readonly perSubject = new Map<string, number>();
  private count = 0;
  /** The last event read from the log; null while no stream is open (nothing is read then). */
  private cursor: number | null = null;
  /** Bumped when the last stream closes: a read under way then must not set the cursor. */
  private generation = 0;
  private pumping = false;
  private again = false;
  private waiters: (() => void)[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private poll: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly log: EventLogStore,
    private readonly options: StreamHubOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Open streams on this instance. */
  get size(): number {
    return this.count;
  }

  /** Takes one of the subject's stream slots; false when it has them all (answer 429). */
  reserve(subject: string): boolean {
    const used = this.perSubject.get(subject) ?? 0;
    if (this.closed || used >= this.options.maxPerKey) return false;
    this.perSubject.set(subject, used + 1);
    return true;
  }

  release(subject: string): void {
    const left = (this.perSubject.get(subject) ?? 1) - 1;
    if (left > 0) this.perSubject.set(subject, left);
    else this.perSubject.delete(subject);
  }

  /** Something was committed: read the log (when any stream is open). */
  wake(): void {
    if (this.count === 0 || this.closed) return;
    void this.pump();
  }

  /**
   * Starts a stream (its slot reserved): replays the events of its scope after `lastEventId`,
   * then follows live. Without `lastEventId` it starts with the next event committed.
   */
  async open(spec: StreamSpec, connection: StreamConnection, lastEventId: number | null, startAfter: number | null = null): Promise<void> {
    const subscriber: Subscriber = { ...spec, connection, lastSeq: 0, held: [] };
    this.add(subscriber);
    connection.onClose(() => this.remove(subscriber));
    try {
      // After this read, every event the hub reads reaches the stream (held until the replay is
      // done); every event up to the cursor is in the log for the replay to read.
      await this.synced();
      const head = this.cursor ?? 0;
      // From now: the events the hub read since the stream joined (held), none read before.
      if (lastEventId === null && startAfter !== null && startAfter < head) {
        // The events committed between the headers and the join: read again, not lost.
        return await this.goLive(subscriber, startAfter, (await this.readRange(spec.scope, startAfter, head, Infinity))!);
      }
      if (lastEventId === null) return await this.goLive(subscriber, subscriber.held?.[0] ? subscriber.held[0].seq - 1 : head, []);
      if (lastEventId > head) return connection.reset('unknown_event_id');
      if (lastEventId < (await this.log.prunedThrough())) return connection.reset('too_far_behind');
      const missed = await this.readRange(spec.scope, lastEventId, head, this.options.replayMax);
      if (missed === null) return connection.reset('too_far_behind');
      await this.goLive(subscriber, lastEventId, missed);
    } catch (error) {
      this.onError(error);
      connection.end();
    }
  }

  /**
   * A scope's events after `after` up to `head`, page by page; null past `limit` of them, or when
   * the range is longer than REPLAY_SCAN_MAX. The log has no per-scope index (it would cost every
   * send), so a scoped read goes through the range in windows, letting other work run between.
   */
  private async readRange(scope: StreamSpec['scope'], after: number, head: number, limit: number): Promise<LoggedEvent[] | null> {
    if (head - after > REPLAY_SCAN_MAX) return null;
    const events: LoggedEvent[] = [];
    while (after < head) {
      const through = scope.kind === 'all' ? head : Math.min(head, after + SCAN_WINDOW);
      const page = await this.log.read(scope, after, PAGE, through);
      for (const event of page) events.push(event);
      if (events.length > limit) return null;
      after = page.length === PAGE ? page[page.length - 1]!.seq : through;
      if (scope.kind !== 'all' && after < head) await new Promise((resolve) => setImmediate(resolve));
    }
    return events;
  }

  /**
   * The number of the last event in the log, read before a stream without Last-Event-ID answers:
   * it then starts after this, so nothing committed once the client sees the headers is missed.
   */
  async position(): Promise<number> {
    // With no stream open the hub reads nothing: the log itself says where it ends.
    if (this.count === 0 || this.cursor === null) {
      // PostgreSQL: what was committed before this gets its number first.
      while ((await this.log.sequence()).pending);
      return this.log.head();
    }
    await this.synced();
    return this.cursor ?? 0;
  }

  /** Ends every stream (the server closes): they get `reset` so that clients reconnect elsewhere. */
  close(reason: ResetReason = 'shutting_down'): void {
    this.closed = true;
    for (const timer of [this.heartbeat, this.poll]) if (timer) clearTimeout(timer);
    const all = new Set<Subscriber>([...this.everything, ...[...this.byOrder.values(), ...this.byUser.values()].flatMap((set) => [...set])]);
    for (const subscriber of all) subscriber.connection.reset(reason);
  }

  /**
   * Sends what the stream missed, then what arrived meanwhile, waiting for the client to take
   * its buffer whenever it is full (a replay may be large), then follows live.
   */
  private async goLive(subscriber: Subscriber, from: number, missed: LoggedEvent[]): Promise<void> {
    subscriber.lastSeq = from;
    const connection = subscriber.connection;
    for (let queue = missed; ; queue = subscriber.held?.splice(0) ?? []) {
      // Held events arriving while this waits for the client join the next round.
      if (queue.length === 0 && (subscriber.held?.length ?? 0) === 0) break;
      for (const event of queue) {
        this.write(subscriber, new Frames(event));
        if (connection.full) await connection.drained();
        if (!connection.isOpen) return;
      }
    }
    subscriber.held = null;
  }

  /** A live event for one stream: held while it replays, else written. */
  private deliver(subscriber: Subscriber, frames: Frames): void {
    if (subscriber.held) {
      // Replaying: bounded like the socket's buffer, in events.
      if (subscriber.held.length >= this.options.replayMax) return subscriber.connection.reset('slow_consumer');
      subscriber.held.push(frames.event);
      return;
    }
    this.write(subscriber, frames);
  }

  private write(subscriber: Subscriber, frames: Frames): void {
    const event = frames.event;
    if (event.seq <= subscriber.lastSeq) return;
    subscriber.lastSeq = event.seq;
    if (subscriber.topics && !subscriber.topics.has(event.topic)) return;
    const frame = frames.of(subscriber.format);
    if (frame !== null) subscriber.connection.send(frame);
  }

  private dispatch(event: LoggedEvent): void {
    const frames = new Frames(event);
    const targets = [
      this.byOrder.get(`${event.order_kind}:${event.order_id}`),
      this.byUser.get(event.seller_id),
      event.buyer_id === event.seller_id ? undefined : this.byUser.get(event.buyer_id),
      this.everything,
    ];
    for (const set of targets) if (set) for (const subscriber of set) this.deliver(subscriber, frames);
  }

  private add(subscriber: Subscriber): void {
    const scope = subscriber.scope;
    if (scope.kind === 'all') this.everything.add(subscriber);
    else if (scope.kind === 'order') setOf(this.byOrder, `${scope.orderKind}:${scope.orderId}`).add(subscriber);
    else setOf(this.byUser, scope.userId).add(subscriber);
    if (this.count++ === 0) this.startTimers();
  }

  private remove(subscriber: Subscriber): void {
    const scope = subscriber.scope;
    let removed: boolean;
    if (scope.kind === 'all') removed = this.everything.delete(subscriber);
    else if (scope.kind === 'order') removed = deleteFrom(this.byOrder, `${scope.orderKind}:${scope.orderId}`, subscriber);
    else removed = deleteFrom(this.byUser, scope.userId, subscriber);
    if (!removed) return;
    this.release(subscriber.subject);
    if (--this.count === 0) {
      this.cursor = null;
      this.generation++;
      this.stopTimers();
    }
  }

  private startTimers(): void {
    if (this.closed) return;
    this.heartbeat = setInterval(() => {
      for (const subscriber of this.allSubscribers()) subscriber.connection.send(HEARTBEAT_FRAME);
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    if (this.options.pollMs > 0) {
      this.poll = setInterval(() => this.wake(), this.options.pollMs);
      this.poll.unref();
    }
  }

  private stopTimers(): void {
    for (const timer of [this.heartbeat, this.poll]) if (timer) clearInterval(timer);
    this.heartbeat = this.poll = null;
  }

  private *allSubscribers(): Generator<Subscriber> {
    yield* this.everything;
    for (const set of this.byOrder.values()) yield* set;
    for (const set of this.byUser.values()) yield* set;
  }

  /** Resolves once a read of the log that began after this call has ended. */
  private synced(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      void this.pump();
    });
  }

  /** Reads the log until it has nothing new; one read at a time, wakes meanwhile fold into one more. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        const waiting = this.waiters.splice(0);
        try {
          await this.readNew();
        } catch (error) {
          this.onError(error);
        } finally {
          for (const resolve of waiting) resolve();
        }
      } while (this.again && !this.closed);
    } finally {
      this.pumping = false;
    }
  }

  private async readNew(): Promise<void> {
    if (this.count === 0) return;
    const generation = this.generation;
    // PostgreSQL: number what has been committed (a full batch: go round again).
    if ((await this.log.sequence()).pending) this.again = true;
    let cursor = this.cursor ?? (await this.log.head());
    for (;;) {
      const page = await this.log.read({ kind: 'all' }, cursor, PAGE);
      if (generation !== this.generation) return;
      for (const event of page) this.dispatch(event);
      if (page.length > 0) cursor = page[page.length - 1]!.seq;
      this.cursor = cursor;
      if (page.length < PAGE) return;
    }
  }
}

function setOf<K>(map: Map<K, Set<Subscriber>>, key: K): Set<Subscriber> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function deleteFrom<K>(map: Map<K, Set<Subscriber>>, key: K, subscriber: Subscriber): boolean {
  const set = map.get(key);
  if (!set?.delete(subscriber)) return false;
  if (set.size === 0) map.delete(key);
  return true;
}
