import type { PrecompiledQuery } from './precompiled-query.js';
import type { QueryRunner } from './query-runner.js';

/** The many-row form of a one-row read: the rows of a kind for a list of ids, each row naming its id. */
export interface ManyRead {
  many: PrecompiledQuery<{ kind: string; ids: number[] }>;
  /** The one-row read's argument that is the id (`id`, `seller_id`). */
  idArg: string;
  /** The column of a row of `many` that holds it. */
  idColumn: string;
}

export interface BatchedReadStats {
  /** Reads asked for. */
  reads: number;
  /** Queries sent for them. */
  queries: number;
}

interface Pending {
  id: number;
  resolve(row: unknown): void;
  reject(error: unknown): void;
}

/**
 * PostgreSQL: the version reads every cached answer starts with (an order's version, a thread's
 * message count, a seller's list version), asked for during one turn of the event loop, sent as
 * one query per kind of read in its check phase (`setImmediate`) instead of one each: under load
 * a turn carries tens of polls, each of which cost a query on the pool.
 *
 * Exact: every read is asked for after its request arrived, and the query is sent after every
 * read of its turn was asked for, so it sees every write acknowledged before any of those
 * requests arrived. A read with no many-row form, or inside a transaction, goes as before.
 */
export function batchedReads(runner: QueryRunner, forms: ReadonlyMap<PrecompiledQuery<never>, ManyRead>): Pick<QueryRunner, 'first'> & { stats: BatchedReadStats } {
  const stats: BatchedReadStats = { reads: 0, queries: 0 };
  /** By many-row form, then by kind. */
  let pending = new Map<ManyRead, Map<string, Pending[]>>();
  let scheduled = false;

  const send = (form: ManyRead, kind: string, reads: Pending[]) => {
    const ids = [...new Set(reads.map((read) => read.id))];
    stats.queries += 1;
    runner.all<Record<string, unknown>, { kind: string; ids: number[] }>(form.many, { kind, ids }).then((rows) => {
      const byId = new Map<number, unknown>();
      for (const row of rows) byId.set(Number(row[form.idColumn]), row);
      for (const read of reads) read.resolve(byId.get(read.id));
    }, (error: unknown) => {
      for (const read of reads) read.reject(error);
    });
  };

  const flush = () => {
    scheduled = false;
    const turn = pending;
    pending = new Map();
    for (const [form, kinds] of turn) for (const [kind, reads] of kinds) send(form, kind, reads);
  };

  return {
    stats,
    first<Row, Args extends Record<string, unknown>>(query: PrecompiledQuery<Args>, args: Args): Promise<Row | undefined> {
      const form = forms.get(query as PrecompiledQuery<never>);
      const kind = args.kind;
      const id = form ? args[form.idArg] : undefined;
      if (!form || typeof kind !== 'string' || typeof id !== 'number') return runner.first(query, args);
      stats.reads += 1;
      return new Promise<Row | undefined>((resolve, reject) => {
        let kinds = pending.get(form);
        if (!kinds) pending.set(form, (kinds = new Map()));
        let reads = kinds.get(kind);
        if (!reads) kinds.set(kind, (reads = []));
        reads.push({ id, resolve: resolve as (row: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
