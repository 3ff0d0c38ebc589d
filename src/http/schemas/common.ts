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
    message: Type.String({ examples: ['Unauthenticated.'] }),
    request_id: Type.String({ description: 'Also sent as the X-GameBoost-Request-Id header' }),
  },
  { additionalProperties: false },
);

export const ValidationErrorBody = Type.Object(
  {
    message: Type.String({ examples: ['The given data was invalid.'] }),
    errors: Type.Record(Type.String(), Type.Array(Type.String()), {
      examples: [{ message: ['The message field is required.'] }],
    }),
    request_id: Type.String(),
  },
  { additionalProperties: false },
);

const ERROR_DESCRIPTIONS = {
  400: 'Malformed request, such as a body that is not valid JSON',
  401: 'The API key is missing, malformed, unknown, expired or revoked',
  403: 'The key is valid but may not act on this resource, or the order is not processing',
  404: 'Resource not found (also for non-numeric ids and unknown routes)',
  413: 'The request body is larger than 1 MiB',
  415: 'The request body is neither JSON nor a form',
  422: 'Validation failed; `errors` maps each field to its messages',
  429: 'Rate limit exceeded; see Retry-After',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** The error part of a route's `response` map. */
export function errorResponses(...codes: ErrorStatus[]) {
  const out: Record<number, TSchema> = {};
  for (const code of codes) {
    out[code] = { ...(code === 422 ? ValidationErrorBody : ErrorBody), description: ERROR_DESCRIPTIONS[code] };
  }
  return out;
}

/** Path parameter for a resource id: declared a string as GameBoost does; non-numeric ids answer 404. */
export function IdParam<K extends string>(name: K, description: string) {
  return Type.Object({ [name]: Type.String({ description }) } as { [P in K]: ReturnType<typeof Type.String> });
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
