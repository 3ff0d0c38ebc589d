/**
 * PostgreSQL: statements whose text never changes (the precompiled hot queries, the batch
 * INSERTs) are prepared once per connection under a name, then only bound and run: a profile of
 * the group-committed send put a third of PostgreSQL's time in parsing and planning them again
 * for every use. Other queries (built per request, in unbounded variety) stay unnamed, so a
 * connection holds a small, fixed set of prepared statements. SQLite ignores this.
 */
import { ALL_COLUMNS } from './raw-rows.js';

const names = new Map<string, string>();

// A statement that selects all columns is never prepared: PostgreSQL refuses to run a prepared
// statement whose result columns changed since it was prepared ("cached plan must not change
// result type"), so a migration adding a column, run by a newer instance, would break the older
// instances still running it until they restarted.

/** Marks `text` as worth preparing, unless it selects all columns; the same text always gets the same name. */
export function prepareOnce(text: string): string {
  if (!names.has(text) && !ALL_COLUMNS.test(text)) names.set(text, `parley_${names.size + 1}`);
  return text;
}

/** The statement name of `text`, if it is one to prepare. */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}
