import type { Compilable } from 'kysely';
import { param, precompile, type PrecompiledQuery } from './precompiled-query.js';

/** The values of a shaped statement, by slot: `slot(i)` in the statement takes `values[i]`. */
export type SlotValues = readonly unknown[];

/**
 * Statements whose shape depends on a count (the rows of a multi-row insert, the ids of an IN
 * list), built with Kysely and compiled once per shape, then only bound: building and compiling
 * a 64-row insert took more CPU than SQLite takes to run it (a profile of the send with a
 * webhook endpoint put 11% of the process in Kysely, nearly all of it the delivery queue's).
 * Callers keep the shapes few (powers of two, delivery-queue.ts), so they are kept for good.
 */
export class StatementShapes {
  private readonly shapes = new Map<string, PrecompiledQuery<never>>();

  /** The statement `key` names, built once by `build`, which marks each run-time value with `slot(i)`. */
  get(key: string, build: (slot: (i: number) => unknown) => Compilable): PrecompiledQuery<never> {
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      shape = precompile(build((i) => param(String(i)))) as PrecompiledQuery<never>;
      this.shapes.set(key, shape);
    }
    return shape;
  }

  /** How many shapes are kept (for tests). */
  get size(): number {
    return this.shapes.size;
  }
}

/** `values` as the arguments of a shaped statement (its slots are named by index). */
export function slots(values: SlotValues): never {
  return values as never;
}
