import type { EventReaction } from './event-reactions.js';

/**
 * Whether any scripted buyer exists in the deployment, so that the event reaction costs nothing
 * (no query per chat message) while none does: the common case, benchmarks included. Known at
 * once for scripts set through this instance; re-read from the database every second for those
 * set through another (a trigger on this instance in that first second can be missed).
 */
export class ScriptPresence {
  private any = false;
  private timer: NodeJS.Timeout | null = null;

  /** Reactions run only while a script may exist. */
  guard(react: EventReaction): EventReaction {
    return (tx, event) => (this.any ? react(tx, event) : Promise.resolve());
  }

  /** A script was set through this instance. */
  noteScript(): void {
    this.any = true;
  }

  /** Reads the database now, then every `everyMs`; stop() ends it. */
  async start(read: () => Promise<boolean>, everyMs: number, onError: (error: unknown) => void): Promise<void> {
    this.any = await read();
    this.timer = setInterval(() => {
      read().then((any) => (this.any = this.any || any), onError);
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
