import { Type, type Static, type TSchema } from 'typebox';

/**
 * Shapes shared by every route. Each is declared once and serves validation, TypeScript types,
 * response serialization and the OpenAPI document.
 */

/** `type: [T, "null"]` rather than anyOf, so validation errors name one keyword and the schema stays flat. */
export function Nullable<T extends TSchema>(schema: T) {
  const type = (schema as { type?: string }).type;
  if (typeof type !== 'string') throw new Error('Nullable() needs a schema with a single type');
  const values = (schema as { enum?: unknown[] }).enum;
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'], ...(values ? { enum: [...values, null] } : {}) });
}

export const ErrorBody = Type.Object(
  {
    message: Type.String({ description: 'What went wrong, for a person' }),
    request_id: Type.String({ description: 'Also sent as the X-GameBoost-Request-Id header' }),
  },
  { additionalProperties: false, description: 'Every error body but validation failures' },
);

export const ValidationErrorBody = Type.Object(
  {
    message: Type.String({ description: 'Always "The given data was invalid."' }),
    errors: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Each failing field (dotted path) with its messages' }),
    request_id: Type.String({ description: 'Also sent as the X-GameBoost-Request-Id header' }),
  },
  { additionalProperties: false, description: 'A validation failure, as Laravel words it' },
);

/**
 * The largest id a request body may name: ids are read back as JavaScript numbers, exact up to
 * 2^53 - 1 (and PostgreSQL's bigint ends at 2^63 - 1). Larger ones are a 422 before any SQL.
 */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** The latest Unix time (in seconds) a body may give: 9999-12-31T23:59:59Z. */
export const MAX_UNIX_SECONDS = 253_402_300_799;

const REQUEST_ID_EXAMPLE = '0b4bd6b5-3c4e-4d5f-9f55-2f1a8d2c3e10';

/**
 * Each error status the API answers: the name of its shared response in the OpenAPI document,
 * what it means, and the body a client actually gets.
 */
export const ERROR_RESPONSES = {
  400: { name: 'ErrorBadRequest', description: 'Malformed request, such as a body that is not valid JSON', example: { message: 'The request body is not valid JSON.' } },
  401: { name: 'ErrorUnauthenticated', description: 'The API key is missing, malformed, unknown, expired or revoked', example: { message: 'Unauthenticated.' } },
  403: { name: 'ErrorForbidden', description: 'The key is valid but may not act on this resource, or the order is not processing', example: { message: 'This action is unauthorized.' } },
  404: { name: 'ErrorNotFound', description: 'Resource not found (also for non-numeric ids, resources of another seller and unknown routes)', example: { message: 'Resource not found.' } },
  409: {
    name: 'ErrorConflict',
    description: 'Idempotency-Key: a request with this key is still being processed (retry once it has finished), or it was applied but its answer was lost when the server stopped (it is never applied twice)',
    example: { message: 'A request with this Idempotency-Key is still being processed; retry once it has finished.' },
  },
  413: { name: 'ErrorPayloadTooLarge', description: 'The request body is larger than 1 MiB', example: { message: 'The request body is too large; the limit is 1 MiB.' } },
  415: { name: 'ErrorUnsupportedMediaType', description: 'The request body is neither JSON nor a form', example: { message: 'Unsupported Content-Type: send application/json.' } },
  422: {
    name: 'ErrorValidation',
    description: 'Validation failed; `errors` maps each field to its messages',
    example: { message: 'The given data was invalid.', errors: { message: ['The message field is required.'] } },
  },
  429: { name: 'ErrorRateLimited', description: 'Rate limit exceeded; retry after the Retry-After header\'s seconds', example: { message: 'Too many requests.' } },
  503: {
    name: 'ErrorServiceUnavailable',
    description: 'The database cannot be reached right now (a lost connection, a restart, a failover); nothing was acknowledged: retry after the Retry-After header\'s seconds',
    example: { message: 'Service Unavailable.' },
  },
} as const;

export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** The example body of an error status, as served (with a request id). */
export function errorExample(code: ErrorStatus): Record<string, unknown> {
  return { ...ERROR_RESPONSES[code].example, request_id: REQUEST_ID_EXAMPLE };
}

/**
 * The error part of a route's `response` map. 503 is added to every route: each one reads or
 * writes the database, which may be unreachable for a moment.
 */
export function errorResponses(...codes: ErrorStatus[]) {
  const out: Record<number, TSchema> = {};
  for (const code of new Set<ErrorStatus>([...codes, 503])) {
    out[code] = { ...(code === 422 ? ValidationErrorBody : ErrorBody), description: ERROR_RESPONSES[code].description };
  }
  return out;
}

/** Path parameter for a resource id: declared a string as GameBoost does; non-numeric ids answer 404. */
export function IdParam<K extends string>(name: K, description: string) {
  return Type.Object({ [name]: Type.String({ description, examples: ['1'] }) } as { [P in K]: ReturnType<typeof Type.String> });
}

export const MoneySchema = Type.Object(
  {
    format: Type.String({ examples: ['€5,99'] }),
    value: Type.Number({ examples: [5.99] }),
    amount: Type.Integer({ description: 'Minor units (cents)', examples: [599] }),
    currency: Type.Object({ symbol: Type.String(), code: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** A string limited to a set of values; `type` kept so serializers and clients see a plain string. */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
