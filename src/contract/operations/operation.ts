import type { TSchema } from 'typebox';
import { errorResponses } from '../common.js';

/** The OpenAPI facts of one route beside its JSON schemas; Fastify reads the same object. */
export interface OperationSchema {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  params?: TSchema;
  querystring?: TSchema;
  /** Request headers a route reads (lower-case names). */
  headers?: TSchema;
  body?: TSchema;
  /** Media types the body may come as (JSON, and forms where Laravel takes them). */
  consumes?: string[];
  response: Record<number, TSchema>;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One route of the wire contract: the http layer attaches a handler, the document describes it. */
export interface Operation<S extends OperationSchema = OperationSchema> {
  method: HttpMethod;
  /** Relative to the API's prefix, in Fastify's syntax (`/account-orders/:accountOrder`). */
  url: string;
  schema: S;
}

/** Keeps the schema's exact type, so routes built on it get typed params and bodies. */
export function operation<const S extends OperationSchema>(method: HttpMethod, url: string, schema: S): Operation<S> {
  if (method !== 'POST' && method !== 'PATCH') return { method, url, schema };
  // Every POST and PATCH takes an Idempotency-Key (src/http/idempotency.ts): a bad key is a 400,
  // the key reused with another request a 422, one still in flight a 409.
  return { method, url, schema: { ...schema, response: { ...errorResponses(400, 409, 422), ...schema.response } } };
}

export const BEARER = [{ BearerToken: [] }];
/** Bodies that Laravel reads from JSON and from forms alike. */
export const JSON_OR_FORM = ['application/json', 'application/x-www-form-urlencoded'];
