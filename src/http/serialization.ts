import fastJsonStringify from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';

/** Serializers by the schema object they were built from: the contract's schemas are constants. */
const compiled = new WeakMap<object, (data: unknown) => string>();

/**
 * Fastify's own serializer (fast-json-stringify, no shared schemas: the contract inlines them),
 * built once per schema in the process rather than once per route and app: every app a process
 * builds (the test suite builds hundreds) serializes with the same functions.
 */
export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  const key = schema as object;
  let serialize = compiled.get(key);
  if (serialize === undefined) compiled.set(key, (serialize = fastJsonStringify(schema as never) as (data: unknown) => string));
  return serialize;
};
