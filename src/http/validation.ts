import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { ValidationError, type FieldErrors } from '../domain/errors.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Laravel-compatible request validation: no type coercion (`{"message": 123}` is not a string),
 * every error reported, lengths counted in code points (ajv's `unicode` default).
 */
function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes, allErrors: true, verbose: true, strict: false, useDefaults: false, removeAdditional: false });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = createAjv(false);
// Query strings and path params are strings by nature; schemas there only declare strings.
const paramAjv = createAjv(false);

/**
 * PostgreSQL's text cannot hold U+0000, so a body string carrying one is refused on both
 * databases alike (422, docs/api.md) rather than stored on SQLite and failing on PostgreSQL.
 * The keyword is added to every string the body schema declares (unknown fields stay ignored).
 */
const NO_NUL = 'x-no-nul';
bodyAjv.addKeyword({ keyword: NO_NUL, type: 'string', schemaType: 'boolean', validate: (_: boolean, data: string) => !data.includes('\u0000') });

/** A copy of `schema` with NO_NUL on each string schema that is not an enum (an enum refuses a NUL already). */
function refusingNul(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(refusingNul);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'enum' || key === 'const' || key === 'default' || key === 'examples' ? value : refusingNul(value);
  }
  const { type } = schema as { type?: unknown };
  const string = type === 'string' || (Array.isArray(type) && type.includes('string'));
  if (string && !('enum' in schema) && !('const' in schema)) out[NO_NUL] = true;
  return out;
}

/**
 * Query parameters documented as integers (`page`, `per_page`) arrive as strings and are read by
 * the handler, because Laravel does not reject them the same way: a bad `page` means page 1.
 * Their validator therefore accepts any value; the served document keeps `type: integer`.
 */
function withoutIntegerQueryChecks(schema: object): object {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties;
  if (!properties) return schema;
  const lenient = Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, p.type === 'integer' ? {} : p]));
  return { ...schema, properties: lenient };
}

function compile(schema: object, httpPart: string | undefined): ValidateFunction {
  if (httpPart === 'body') return bodyAjv.compile(refusingNul(schema) as object);
  return paramAjv.compile(httpPart === 'querystring' ? withoutIntegerQueryChecks(schema) : schema);
}

/** Validators by schema object and part: the contract's schemas are constants, compiled once per process however many apps it builds. */
const compiled = new WeakMap<object, Map<string, ValidateFunction>>();

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const key = schema as object;
  let byPart = compiled.get(key);
  if (byPart === undefined) compiled.set(key, (byPart = new Map()));
  const part = httpPart ?? '';
  let validate = byPart.get(part);
  if (validate === undefined) byPart.set(part, (validate = compile(key, httpPart)));
  return validate;
};

/** `delivery_time.duration` -> "delivery time.duration", as Laravel names attributes. */
function attribute(field: string): string {
  return field.replace(/_/g, ' ');
}

const TYPE_MESSAGES: Record<string, string> = {
  string: 'must be a string.',
  integer: 'must be an integer.',
  number: 'must be a number.',
  boolean: 'must be true or false.',
  array: 'must be an array.',
  object: 'must be an object.',
};

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') path.push((error.params as { missingProperty: string }).missingProperty);
  return path.join('.');
}

function messageFor(error: ErrorObject, field: string): string | null {
  const attr = attribute(field);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `The ${attr} field is required.`;
    case 'type': {
      // Empty strings were turned into null before validation: for a non-nullable field that means "missing".
      if (error.data === null) return `The ${attr} field is required.`;
      const wanted = ([] as string[]).concat(params.type as string | string[]).filter((t) => t !== 'null')[0] ?? 'string';
      return `The ${attr} field ${TYPE_MESSAGES[wanted] ?? `must be of type ${wanted}.`}`;
    }
    case 'maxLength':
      return `The ${attr} field must not be greater than ${params.limit} characters.`;
    case 'minLength':
      return `The ${attr} field must be at least ${params.limit} characters.`;
    case 'maximum':
      return `The ${attr} field must not be greater than ${params.limit}.`;
    case 'minimum':
      return `The ${attr} field must be at least ${params.limit}.`;
    case 'maxItems':
      return `The ${attr} field must not have more than ${params.limit} items.`;
    case 'minItems':
      return `The ${attr} field must have at least ${params.limit} items.`;
    case 'enum':
    case 'const':
      return `The selected ${attr} is invalid.`;
    case 'pattern':
      return `The ${attr} field format is invalid.`;
    case 'format':
      return params.format === 'uri' ? `The ${attr} field must be a valid URL.` : `The ${attr} field must be a valid ${params.format}.`;
    case 'additionalProperties':
      return null; // unknown fields are ignored, as Laravel does
    case NO_NUL:
      return `The ${attr} field must not contain null characters.`;
    default:
      return `The ${attr} field is invalid.`;
  }
}

/** Maps ajv's errors to Laravel's `errors` object: one entry per field, each message once. */
export function toFieldErrors(errors: readonly ErrorObject[]): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors) {
    const field = fieldOf(error);
    const message = messageFor(error, field);
    if (message === null) continue;
    const list = (out[field || 'body'] ??= []);
    // One failed presence rule ends a field's validation in Laravel; keep the first message only then.
    if (list.some((m) => m.endsWith('field is required.'))) continue;
    if (!list.includes(message)) list.push(message);
  }
  return out;
}

/**
 * Routes validate with `attachValidation` so that 404/403 come before 422, as in Laravel where
 * route model binding and authorization run before the form request's rules. The handler calls
 * this once it has checked access.
 */
export async function assertValidRequest(
  request: FastifyRequest,
  domainChecks?: (validFields: Record<string, unknown>) => FieldErrors | Promise<FieldErrors>,
): Promise<void> {
  const error = request.validationError as (Error & { validation?: ErrorObject[] }) | undefined;
  if (!error) return;
  const errors = toFieldErrors(error.validation ?? []);
  // Laravel reports every failing rule at once: run the domain's own checks on the fields that
  // passed the schema, so "username taken" shows up next to "role invalid".
  if (domainChecks) {
    const failed = new Set(Object.keys(errors).map((field) => field.split('.')[0]));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const valid = Object.fromEntries(Object.entries(body).filter(([key, value]) => !failed.has(key) && value !== null));
    for (const [field, messages] of Object.entries(await domainChecks(valid))) if (!errors[field]) errors[field] = messages;
  }
  throw new ValidationError(errors);
}
