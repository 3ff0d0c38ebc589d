import type BetterSqlite3 from 'better-sqlite3';
import type { PrecompiledQuery } from './precompiled-query.js';

/** Runs a precompiled query now, on SQLite's read-only connection (query-runner.ts). */
export type ReadNow = <Row>(query: PrecompiledQuery<never>, args: Record<string, unknown>) => Row | undefined;

/** What the reads did, for tests and diagnostics. */
export interface TurnReadStats {
  /** `PRAGMA data_version` checks: one per turn that had reads. */
  checks: number;
  /** Rows read from SQLite; the other reads were answered from rows kept since the last commit. */
  rowReads: number;
}

export interface TurnReads {
  first<Row, Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<Row | undefined>;
  readonly stats: TurnReadStats;
}

interface Pending {
  query: PrecompiledQuery<never>;
  args: Record<string, unknown>;
  resolve(row: unknown): void;
  reject(error: unknown): void;
}

/**
 * The version reads every cached answer starts with (an order's version, a thread's message
 * count, a seller's list version), on SQLite's read-only connection, answered together once per
 * turn of the event loop: the reads asked for during a turn wait for its check phase
 * (`setImmediate`), where one `PRAGMA data_version` tells whether any connection, in this
 * process or another, has committed since the rows kept were read. If none has, the kept rows
 * are still the database's and answer the reads; if one has, they are dropped and read again.
 *
 * Exact: every read is asked for after its request arrived, and the check runs after every read
 * of its turn was asked for, so a write acknowledged before a request arrived was committed
 * before the check that answers it. Under load a turn carries tens of requests, and bots poll
 * the same orders: one check replaces a read per request. The reader only reads, so it never
 * sees a transaction that is not committed.
 */
export function turnReads(connection: BetterSqlite3.Database, readNow: ReadNow, maxRows = 10_000): TurnReads {
  const dataVersion = connection.prepare('PRAGMA data_version').pluck();
  const kept = new Map<PrecompiledQuery<never>, Map<string, unknown>>();
  const stats: TurnReadStats = { checks: 0, rowReads: 0 };
  let keptRows = 0;
  let seenVersion = -1;
  let pending: Pending[] = [];

  const forget = () => {
    kept.clear();
    keptRows = 0;
  };

  const answer = (read: Pending): unknown => {
    const key = read.query.bind(read.args as never).join('\u0000');
    const rows = kept.get(read.query);
    if (rows?.has(key)) return rows.get(key);
    stats.rowReads += 1;
    const row = readNow(read.query, read.args) ?? null;
    // Bounded: past the limit everything goes, and the polled rows come back within a turn.
    if (keptRows >= maxRows) forget();
    let into = kept.get(read.query);
    if (into === undefined) kept.set(read.query, (into = new Map()));
    into.set(key, row);
    keptRows += 1;
    return row;
  };

  const flush = () => {
    const reads = pending;
    pending = [];
    try {
      stats.checks += 1;
      const version = dataVersion.get() as number;
      if (version !== seenVersion) {
        forget();
        seenVersion = version;
      }
    } catch (error) {
      forget();
      seenVersion = -1;
      for (const read of reads) read.reject(error);
      return;
    }
    for (const read of reads) {
      try {
        read.resolve(answer(read) ?? undefined);
      } catch (error) {
        read.reject(error);
      }
    }
  };

  return {
    stats,
    first<Row, Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<Row | undefined> {
      return new Promise<Row | undefined>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ query: query as PrecompiledQuery<never>, args, resolve: resolve as (row: unknown) => void, reject });
      });
    },
  };
}
