import { describe, expect, it } from 'vitest';
import { MALFORMED_BODY, MAX_INPUT_DEPTH, normalizeInput } from '../../src/http/input-normalizer.js';
import { MalformedRequestError } from '../../src/http/http-errors.js';

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

  it('refuses unpaired surrogates in values and keys at any depth, and keeps pairs', () => {
    for (const input of [{ m: 'a\uD800b' }, { m: '\uDC00' }, { m: ['ok', { n: 'x\uDBFF' }] }, { ['k\uD800']: 1 }]) {
      expect(() => normalizeInput(input)).toThrow(new MalformedRequestError(MALFORMED_BODY.unpairedSurrogate));
    }
    expect(normalizeInput({ m: ' \uD83D\uDE00 ' })).toEqual({ m: '\u{1F600}' });
  });

  it(`counts the body as level 1 and refuses nesting past ${MAX_INPUT_DEPTH}, without exhausting the stack`, () => {
    const nest = (levels: number): unknown => {
      let value: unknown = 'x';
      for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
      return value;
    };
    expect(() => normalizeInput({ a: nest(MAX_INPUT_DEPTH - 1) })).not.toThrow();
    expect(() => normalizeInput({ a: nest(MAX_INPUT_DEPTH) })).toThrow(new MalformedRequestError(MALFORMED_BODY.tooDeep));
    expect(() => normalizeInput({ a: nest(200_000) })).toThrow(new MalformedRequestError(MALFORMED_BODY.tooDeep));
  });
});
