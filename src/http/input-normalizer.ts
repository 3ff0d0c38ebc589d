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

export function normalizeInput(value: unknown): unknown {
  if (typeof value === 'string') {
    if (hasPrintableAsciiEdges(value)) return value; // nothing to trim: skips the regex
    const trimmed = value.replace(EDGE_SPACE, '');
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(normalizeInput);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const inner = normalizeInput((value as Record<string, unknown>)[key]);
      // A "__proto__" key (a form can send one) must stay an own data property, never a prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: inner, enumerable: true, writable: true, configurable: true });
      else out[key] = inner;
    }
    return out;
  }
  return value;
}
