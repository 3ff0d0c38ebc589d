import { describe, expect, it } from 'vitest';
import { normalizeInput } from '../../src/http/input-normalizer.js';

describe('normalizeInput (Laravel TrimStrings + ConvertEmptyStringsToNull)', () => {
  it('trims strings, including BOM and zero-width space, and turns empty ones into null, at any depth', () => {
    expect(normalizeInput({ a: '  x ', b: ' \t\n', c: '\uFEFF\u200By\u200B', d: [' z ', ''], e: { f: '' }, g: 5, h: null })).toEqual({
      a: 'x', b: null, c: 'y', d: ['z', null], e: { f: null }, g: 5, h: null,
    });
  });

  it('keeps inner whitespace and never lets a "__proto__" key become a prototype', () => {
    const out = normalizeInput(JSON.parse('{"__proto__": {"polluted": true}, "m": " a  b "}')) as Record<string, unknown>;
    expect(out.m).toBe('a  b');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('trims Unicode spaces at either edge, and leaves strings with printable ASCII edges as they are', () => {
    expect(normalizeInput({ a: 'x\u00A0', b: '\u3000y', c: '\u2028', d: 'hi there', e: 'é ', f: '~' })).toEqual({
      a: 'x', b: 'y', c: null, d: 'hi there', e: 'é', f: '~',
    });
  });
});
