import { certainlyFits, decodeChange, toPublishedChange, TransportChangeFeed, type ChangeFeedErrorHandler, type PublishedChange } from './change-feed.js';

/**
 * The feed of a single instance (SQLite): a change reaches this process's listeners in a
 * microtask after publish(), exactly as the PostgreSQL and Redis feeds would give it to them (the
 * same validation, size limit and frozen copy of the known fields; see publish() for when the
 * JSON round trip itself is skipped). Two instances of this class share nothing.
 * Changes published but not yet delivered when it closes are dropped.
 */
export class InProcessChangeFeed extends TransportChangeFeed {
  constructor(options: { onError?: ChangeFeedErrorHandler } = {}) {
    super('in-process change feed', options.onError);
  }

  /**
   * Every sent message publishes here, so a change that certainly fits skips the JSON round trip:
   * rebuilt from its known fields and frozen, it is what decoding its payload would give. Anything
   * else (invalid, or possibly too large) takes the encoding path and its errors.
   */
  override async publish(change: PublishedChange): Promise<void> {
    if (this.closed) return super.publish(change);
    const parsed = toPublishedChange(change);
    if ('invalid' in parsed || !certainlyFits(parsed)) return super.publish(change);
    const frozen = Object.freeze(parsed);
    queueMicrotask(() => {
      if (!this.closed) this.listeners.deliver(frozen);
    });
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
