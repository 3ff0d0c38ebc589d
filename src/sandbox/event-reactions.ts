import type { DomainEvent } from '../domain/events.js';
import type { OutboxStore, SharedWork, Store } from '../domain/ports.js';

export type EventReaction = (tx: Store, event: DomainEvent) => Promise<void>;

/**
 * The store with `react` run for every domain event, inside the transaction that publishes it
 * (the outbox is where every event passes, in the transaction of the change it describes): what
 * the reaction writes (a scripted buyer's next step) commits or rolls back with the change, so no
 * crash can fall between the two. Installed in the sandbox only; production's store is the bare one.
 */
export function withEventReactions(store: Store, react: EventReaction): Store {
  const wrapped = new WeakMap<SharedWork<unknown, unknown>, SharedWork<unknown, unknown>>();
  const wrap = (inner: Store): Store => {
    const self: Store = {
      ...inner,
      outbox: reacting(inner.outbox, () => self, react),
      transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
      shareTransaction<I, R>(work: SharedWork<I, R>, item: I): Promise<R> {
        // One wrapper per work, so that sends arriving together still share one unit.
        let w = wrapped.get(work as SharedWork<unknown, unknown>) as SharedWork<I, R> | undefined;
        if (!w) {
          w = { run: (tx, items) => work.run(wrap(tx), items), scopeOf: work.scopeOf?.bind(work) };
          wrapped.set(work as SharedWork<unknown, unknown>, w as SharedWork<unknown, unknown>);
        }
        return inner.shareTransaction(w, item);
      },
    };
    return self;
  };
  return wrap(store);
}

function reacting(outbox: OutboxStore, store: () => Store, react: EventReaction): OutboxStore {
  return {
    ...outbox,
    async publish(event) {
      const id = await outbox.publish(event);
      await react(store(), event);
      return id;
    },
    async publishAll(events) {
      const ids = await outbox.publishAll(events);
      for (const event of events) await react(store(), event);
      return ids;
    },
  };
}
