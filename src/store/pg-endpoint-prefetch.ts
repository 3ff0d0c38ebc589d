import type { Transaction } from 'kysely';
import type { FastPath } from './fast-path.js';
import type { Database } from './schema.js';

/** A live endpoint as the outbox reads it: its id and its topics (JSON). */
export interface LiveEndpointRow {
  id: number;
  events: string;
}

/**
 * PostgreSQL's group commit: the live webhook endpoints of each order's seller, read by a
 * statement sent right behind the order's locked read (the batch's connection pipelines,
 * pg-group-commit.ts). The outbox then finds them answered instead of spending one more round
 * trip, with the order's row lock held, to read them. The statement runs after the lock is
 * granted, in the same transaction, so it sees what the outbox's own read would have seen.
 */
export interface EndpointPrefetch {
  /** Sends the read of the endpoints of the seller of this order. */
  afterOrderRead(kind: string, id: number): void;
  /** The endpoints of `userId`, or null when no order read so far was that user's. */
  of(userId: number): Promise<LiveEndpointRow[] | null>;
}

interface Row {
  user_id: number | string;
  id: number | null;
  events: string | null;
}

export function endpointPrefetch(trx: Transaction<Database>, fast: FastPath): EndpointPrefetch {
  const runner = fast.runners.inTransaction(trx);
  const reads: Promise<Row[]>[] = [];
  return {
    afterOrderRead(kind, id) {
      const read = runner.all<Row, { kind: string; id: number }>(fast.queries.liveEndpointsOfOrderSeller, { kind, id });
      // Awaited by of(); a failed read has aborted the transaction, which fails the batch anyway.
      read.catch(() => undefined);
      reads.push(read);
    },
    async of(userId) {
      for (const read of reads) {
        const rows = await read;
        if (rows.length > 0 && Number(rows[0]!.user_id) === userId) {
          return rows.flatMap((r) => (r.id === null ? [] : [{ id: r.id, events: r.events! }]));
        }
      }
      return null;
    },
  };
}
