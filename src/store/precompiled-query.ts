import type { Compilable } from 'kysely';

/**
 * Hot queries are built with Kysely once, at start-up, and only their values change per call:
 * building and compiling a query costs more CPU than SQLite takes to run most of ours.
 * `param('name')` stands for a value bound at run time; everything else compiles as usual.
 */
const PLACEHOLDER = '\u0000parley:param:';

/** A value bound when the query runs (typed as anything so that Kysely's column types accept it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function param(name: string): any {
  return `${PLACEHOLDER}${name}`;
}

export interface PrecompiledQuery<Args extends Record<string, unknown>> {
  readonly sql: string;
  /** The parameter list for these values, in the order the SQL takes them. */
  bind(args: Args): unknown[];
}

type Slot = { name: string } | { value: unknown };

export function precompile<Args extends Record<string, unknown>>(query: Compilable): PrecompiledQuery<Args> {
  const compiled = query.compile();
  const slots: Slot[] = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(PLACEHOLDER) ? { name: value.slice(PLACEHOLDER.length) } : { value });
  const names = new Set(slots.flatMap((s) => ('name' in s ? [s.name] : [])));
  return {
    sql: compiled.sql,
    bind(args) {
      for (const name of names) {
        if (args[name] === undefined) throw new Error(`precompiled query: no value for "${name}" in ${compiled.sql}`);
      }
      return slots.map((s) => ('name' in s ? args[s.name] : s.value));
    },
  };
}
