import { MalformedRequestError } from './http-errors.js';

declare global {
  interface String {
    /** ES2024, in Node 20: false when the string holds an unpaired UTF-16 surrogate. */
    isWellFormed(): boolean;
  }
}

/** Laravel's JSON decoder (json_decode, depth 512) refuses deeper input, counting the body itself. */
export const MAX_INPUT_DEPTH = 512;

export const MALFORMED_BODY = {
  notUtf8: 'The request body is not valid UTF-8.',
  unpairedSurrogate: 'The request body contains an unpaired UTF-16 surrogate.',
  tooDeep: `The request body is nested too deeply; the limit is ${MAX_INPUT_DEPTH} levels.`,
} as const;

/**
 * Laravel's TrimStrings and ConvertEmptyStringsToNull middleware, applied to bodies before
 * validation: strings are trimmed (including BOM, zero-width space and LRM), and empty ones
 * become null so that "   " counts as missing.
 */
const EDGE_SPACE = /^[\s\uFEFF\u200B\u200E]+|[\s\uFEFF\u200B\u200E]+$/gu;

function isPrintableAscii(code: number): boolean {
  return code > 0x20 && code < 0x7f;
}

function hasPrintableAsciiEdges(text: string): boolean {
  return text.length > 0 && isPrintableAscii(text.charCodeAt(0)) && isPrintableAscii(text.charCodeAt(text.length - 1));
}

/**
 * A lone surrogate (`"\ud800"` in JSON) cannot be stored as UTF-8: it would read back as U+FFFD,
 * so what was acknowledged would differ from what is stored. PHP's json_decode refuses it too.
 * isWellFormed() answers at once for strings V8 holds as one byte per character.
 */
function assertWellFormed(text: string): void {
  if (!text.isWellFormed()) throw new MalformedRequestError(MALFORMED_BODY.unpairedSurrogate);
}

function normalizeString(value: string): string | null {
  assertWellFormed(value);
  if (hasPrintableAsciiEdges(value)) return value; // nothing to trim: skips the regex
  const trimmed = value.replace(EDGE_SPACE, '');
  return trimmed === '' ? null : trimmed;
}

/**
 * Normalizes a decoded body, and refuses (MalformedRequestError, 400) what Laravel's decoder
 * would not have decoded: unpaired surrogates in any string or key, and nesting deeper than
 * MAX_INPUT_DEPTH. Depth is counted in the same walk, so the recursion is bounded by it and a
 * flat body costs no second pass.
 */
export function normalizeInput(value: unknown): unknown {
  return normalize(value, 0);
}

function normalize(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return normalizeString(value);
  if (value === null || typeof value !== 'object') return value;
  if (++depth > MAX_INPUT_DEPTH) throw new MalformedRequestError(MALFORMED_BODY.tooDeep);
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = normalize(value[i], depth);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    assertWellFormed(key);
    const inner = normalize((value as Record<string, unknown>)[key], depth);
    // A "__proto__" key (a form can send one) must stay an own data property, never a prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: inner, enumerable: true, writable: true, configurable: true });
    else out[key] = inner;
  }
  return out;
}
