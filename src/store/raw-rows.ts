import type BetterSqlite3 from 'better-sqlite3';

/**
 * A `*` that stands for a table's columns (`"orders".*`, `select *`, `returning *`), not
 * `count(*)`: what such a statement answers changes with the table.
 */
export const ALL_COLUMNS = /(^|[\s,.])\*/;

/** Turns a raw row (values in column order) into the object better-sqlite3 would have answered. */
export type RowBuilder = (values: unknown[]) => Record<string, unknown>;

/**
 * An object literal with the statement's column names as constant keys, filled from a raw row.
 * better-sqlite3 builds each row object by setting its properties one at a time, internalizing
 * every column name on every row: in a profile of the cached thread read that was as much CPU as
 * SQLite's own work. A literal gets the same hidden class each time. As in better-sqlite3's
 * objects, a later column of the same name wins, and one named `__proto__` is not a property.
 */
function rowBuilder(columns: readonly string[]): RowBuilder {
  const fields = columns.map((name, i) => `${JSON.stringify(name)}: values[${i}]`);
  return new Function('values', `return { ${fields.join(', ')} };`) as RowBuilder;
}

/**
 * Switches a statement that answers rows to raw rows and answers the builder of its objects; null
 * (the statement left as it is) for one that answers none, or that selects all columns: SQLite
 * re-prepares a statement after another process's migration, and `*` could then answer other
 * columns, or the same ones in another order, than the builder was made for.
 */
export function rawRowsOf(statement: BetterSqlite3.Statement, sql: string): RowBuilder | null {
  if (!statement.reader || ALL_COLUMNS.test(sql)) return null;
  const row = rowBuilder(statement.columns().map((column) => column.name));
  statement.raw(true);
  return row;
}
