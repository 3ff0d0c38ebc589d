/**
 * Laravel's TrimStrings and ConvertEmptyStringsToNull middleware, applied to bodies before
 * validation: strings are trimmed (including BOM, zero-width space and LRM), and empty ones
 * become null so that "   " counts as missing.
 */
const EDGE_SPACE = /^[\s\uFEFF\u200B\u200E]+|[\s\uFEFF\u200B\u200E]+$/gu;

export function normalizeInput(value: unknown): unknown {
  if (typeof value === 'string') {
    const trimmed = value.replace(EDGE_SPACE, '');
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(normalizeInput);
  if (value !== null && typeof value === 'object') {
    // Built with defineProperty so a "__proto__" key stays an own data property, never a prototype.
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      Object.defineProperty(out, key, { value: normalizeInput(inner), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
