import type { Compilable } from 'kysely';
import { prepareOnce } from './prepared-statements.js';

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

export function precompile<Args extends Record<string, unknown>>(query: Compilable): PrecompiledQuery<Args> {
  const compiled = query.compile();
  // Per slot: the argument's name, or null for a value fixed at compile time (in `fixed`).
  const names: (string | null)[] = [];
  const fixed: unknown[] = [];
  for (const value of compiled.parameters) {
    const named = typeof value === 'string' && value.startsWith(PLACEHOLDER);
    names.push(named ? value.slice(PLACEHOLDER.length) : null);
    fixed.push(named ? undefined : value);
  }
  return {
    sql: prepareOnce(compiled.sql),
    // One pass, no intermediate arrays: it runs for every hot query.
    bind(args) {
      const values = new Array<unknown>(names.length);
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        if (name === null) {
          values[i] = fixed[i];
          continue;
        }
        const value = args[name];
        if (value === undefined) throw new Error(`precompiled query: no value for "${name}" in ${compiled.sql}`);
        values[i] = value;
      }
      return values;
    },
  };
}
