import { CompiledQuery, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * Rows a PostgreSQL shared unit holds until its flush, then writes in one statement whose one
 * parameter is the rows as a JSON array (`insert ... from json_to_recordset($1::json)`): a batch of
 * N sends costs one round trip instead of N, and one native JSON.stringify where text arrays would
 * cost node-postgres an escaping pass over every value.
 */
export interface HeldRows<Row> {
  hold(row: Row): void;
  /** Sends the held rows (none: nothing) and holds nothing after. */
  flush(trx: Transaction<Database>): Promise<void>;
}

export function heldRows<Row>(insertSql: string): HeldRows<Row> {
  let held: Row[] = [];
  return {
    hold(row) {
      held.push(row);
    },
    async flush(trx) {
      if (held.length === 0) return;
      const rows = held;
      held = [];
      await trx.executeQuery(CompiledQuery.raw(insertSql, [JSON.stringify(rows)]));
    },
  };
}
