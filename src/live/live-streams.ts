import type { ChangeFeed } from '../changes/change-feed.js';
import { changeOf } from '../changes/domain-changes.js';
import type { Clock } from '../domain/clock.js';
import { orderOfEvent, type EventLogStore } from '../domain/event-log.js';
import type { DomainEvent } from '../domain/events.js';
import { StreamHub } from './stream-hub.js';
import { StreamTokens } from './stream-tokens.js';

/** PARLEY_STREAM_* (config.ts `streams`). */
export interface StreamSettings {
  /** Lifetime of a stream token. */
  tokenSeconds: number;
  heartbeatSeconds: number;
  /** Open streams per key and instance. */
  maxPerKey: number;
  /** Bytes a stream may hold for a client that does not read, before `reset`. */
  bufferBytes: number;
  /** Events older than this are pruned (a client behind them gets `reset`); 0 keeps them all. */
  retentionHours: number;
  /** The most events a resume replays; one more and it gets `reset`. */
  replayMax: number;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  tokenSeconds: 60,
  heartbeatSeconds: 15,
  maxPerKey: 10,
  bufferBytes: 1024 * 1024,
  retentionHours: 24,
  replayMax: 1000,
};

/** Reading the log without a change while streams are open: a backstop for lost changes. */
const POLL_MS = 2_000;
const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_BATCH = 1_000;

export interface LiveStreams {
  hub: StreamHub;
  tokens: StreamTokens;
  settings: StreamSettings;
  /** After a commit (server.ts onCommitted): tells every instance of events no other change names. */
  committed(events: readonly DomainEvent[]): void;
  /** Resets every stream and stops the timers. */
  close(): void;
}

export interface LiveStreamsOptions {
  log: EventLogStore;
  changes: ChangeFeed;
  clock: Clock;
  /** The deployment's secret (the credentials key) the stream tokens' key is derived from. */
  secret: Buffer;
  settings: StreamSettings;
  onError: (error: unknown, what: string) => void;
}

/**
 * The live streams of one instance: a hub woken by the change feed (every message and status
 * change already travels on it; purchases and disputes add one `stream.appended`), the stream
 * tokens, and the log's pruning.
 */
export function startLiveStreams(options: LiveStreamsOptions): LiveStreams {
  const { log, changes, clock, settings, onError } = options;
  const hub = new StreamHub(
    log,
    { heartbeatMs: settings.heartbeatSeconds * 1000, replayMax: settings.replayMax, maxPerKey: settings.maxPerKey, pollMs: POLL_MS },
    (error) => onError(error, 'live streams: reading the event log failed'),
  );
  const unsubscribe = changes.subscribe((change) => {
    if (change.type === 'api_key.revoked' || change.type === 'clock.changed') return;
    hub.wake();
  });
  const prune = async () => {
    const cutoff = clock.now() - settings.retentionHours * 3600;
    await log.sequence();
    while ((await log.prune(cutoff, PRUNE_BATCH)) === PRUNE_BATCH);
  };
  const pruneTimer = settings.retentionHours > 0
    ? setInterval(() => prune().catch((error: unknown) => onError(error, 'live streams: pruning the event log failed')), PRUNE_EVERY_MS)
    : null;
  pruneTimer?.unref();
  return {
    hub,
    tokens: new StreamTokens(options.secret, clock, settings.tokenSeconds),
    settings,
    committed(events) {
      if (!events.some((event) => orderOfEvent(event) !== null && changeOf(event) === null)) return;
      changes.publish({ type: 'stream.appended' }).catch((error: unknown) => onError(error, 'live streams: publishing a change failed'));
    },
    close() {
      if (pruneTimer) clearInterval(pruneTimer);
      unsubscribe();
      hub.close();
    },
  };
}
