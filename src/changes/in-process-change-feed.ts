import { decodeChange, TransportChangeFeed, type ChangeFeedErrorHandler } from './change-feed.js';

/**
 * The feed of a single instance (SQLite): a change reaches this process's listeners in a
 * microtask after publish(), encoded and decoded as on the wire so that listeners see exactly
 * what the PostgreSQL and Redis feeds would give them. Two instances of this class share nothing.
 * Changes published but not yet delivered when it closes are dropped.
 */
export class InProcessChangeFeed extends TransportChangeFeed {
  constructor(options: { onError?: ChangeFeedErrorHandler } = {}) {
    super('in-process change feed', options.onError);
  }

  protected async send(payload: string): Promise<void> {
    const change = decodeChange(payload);
    if ('invalid' in change) throw new Error(change.invalid); // publish() encoded it: cannot happen
    queueMicrotask(() => {
      if (!this.closed) this.listeners.deliver(change);
    });
  }

  protected async shutdown(): Promise<void> {}
}
