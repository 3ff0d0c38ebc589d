import type { ChangeFeed } from '../changes/change-feed.js';
import type { Store } from '../domain/ports.js';
import type { JobQueue } from '../scheduler/job-queue.js';
import type { ClockStateStore } from './clock-state.js';
import type { OffsetClock } from './offset-clock.js';
import type { ScriptPresence } from './script-presence.js';
import type { SandboxServices } from './services.js';
import { TimeTravel, type DueRunner } from './time-travel.js';

export interface SandboxDeps {
  clock: OffsetClock;
  state: ClockStateStore;
  store: Store;
  /** The guard of the store's event reaction (server.ts). */
  scripts: ScriptPresence;
  queue: JobQueue;
  scheduler: DueRunner;
  changes: ChangeFeed;
  /** Lets the webhook worker look for due deliveries now. */
  poke: () => void;
  onError: (error: unknown) => void;
}

/** How often every instance reads the stored clock anyway (real milliseconds). */
export const CLOCK_REREAD_MS = 1000;

/**
 * The sandbox's services, with the stored clock loaded: every instance reads the offset at start
 * and again whenever the change feed says the clock moved, or that notifications may have been
 * missed (resync), and once a second besides: processes sharing one SQLite file have no feed
 * between them (theirs is in-process), and a notification can be lost.
 */
export async function startSandbox(deps: SandboxDeps): Promise<SandboxServices> {
  const timeTravel = new TimeTravel({
    clock: deps.clock,
    state: deps.state,
    queue: deps.queue,
    scheduler: deps.scheduler,
    messageIds: deps.store.messageIds,
    announce: () => deps.changes.publish({ type: 'clock.changed' }).catch(deps.onError),
    poke: deps.poke,
  });
  await timeTravel.reload();
  const unsubscribe = deps.changes.subscribe((change) => {
    if (change.type === 'clock.changed' || change.type === 'resync') timeTravel.reload().catch(deps.onError);
  });
  const timer = setInterval(() => timeTravel.reload().catch(deps.onError), CLOCK_REREAD_MS);
  timer.unref();
  await deps.scripts.start(() => deps.store.buyerScripts.any(), CLOCK_REREAD_MS, deps.onError);
  return {
    timeTravel,
    scripts: deps.scripts,
    async close() {
      clearInterval(timer);
      deps.scripts.stop();
      unsubscribe();
    },
  };
}
