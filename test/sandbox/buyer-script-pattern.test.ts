import { describe, expect, it } from 'vitest';
import { compilePattern, PatternError } from '../../src/domain/buyer-script-pattern.js';

describe('scripted buyer patterns', () => {
  it.each([
    ['(?i)password', 'It says wrong PASSWORD', true],
    ['password', 'It says wrong PASSWORD', false],
    ['^hi$', 'hi', true],
    ['^hi$', 'hii', false],
    ['a|b', 'xxb', true],
    ['colou?r', 'color', true],
    ['\\d{3}-\\d{2}', 'call 123-45', true],
    ['\\d{3}-\\d{2}', 'call 12-45', false],
    ['[a-c]+x', 'zzabcx', true],
    ['[^a-c]x', 'ax', false],
    ['\\bcat\\b', 'a cat!', true],
    ['\\bcat\\b', 'concat', false],
    ['(?i)[A-Z]{2}', 'ab', true],
    ['x*', '', true],
    ['(?:ab){2,3}c', 'ababc', true],
    ['(?:ab){2,3}c', 'abc', false],
    ['a.c', 'a\nc', false],
    ['\\.', 'end.', true],
    ['[.]', 'no dot', false],
    ['(?i)ünï', 'ÜNÏCODE', true],
    ['{', 'a { brace', true],
  ])('%s on %j: %s', (pattern, text, expected) => {
    expect(compilePattern(pattern).test(text)).toBe(expected);
  });

  it('agrees with RegExp on patterns both understand', () => {
    const texts = ['', 'password', 'PassWord 123', 'wrong pass', 'abc-123 x_y', 'a\tb', 'ends with dot.'];
    for (const pattern of ['pass', '^p', '\\d+$', '[a-z]+-\\d', 'a\\sb', '(wrong|right) pass', 'x?y', '\\w\\W\\w', 'o{2}', 'd\\.$']) {
      for (const text of texts) expect(compilePattern(pattern).test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(new RegExp(pattern).test(text));
    }
  });

  it('matches in linear time the patterns that make a backtracking engine explode', () => {
    // (a+)+$ and (a|aa)*b on 20 000 characters: RegExp would take longer than the universe has.
    const text = 'a'.repeat(20_000) + '!';
    for (const pattern of ['(a+)+$', '(a|aa)*b', '(a*)*c', '^(?:a?){30}a{30}$']) {
      expect(compilePattern(pattern).test(text)).toBe(false);
    }
  });

  it.each([
    ['(?=x)', 'lookaround, named groups and inline flags are not supported (only (?:...) and a leading (?i))'],
    ['(?<n>x)', 'lookaround, named groups and inline flags are not supported (only (?:...) and a leading (?i))'],
    ['\\1', 'backreferences are not supported'],
    ['(a', 'missing ")"'],
    ['a)', 'unmatched ")" at position 2'],
    ['[a', 'missing "]"'],
    ['*a', 'nothing to repeat before "*"'],
    ['a{5,2}', "a count's maximum is below its minimum"],
    ['a{101}', 'counts above 100 are not supported'],
    ['\\q', 'unknown escape "\\q"'],
    ['[z-a]', 'the class range z-a is out of order'],
    ['x'.repeat(201), 'the pattern is longer than 200 characters'],
    ['((((a{100}){100}){100}))', 'the pattern is too complex (its counts expand too far)'],
  ])('refuses %s: %s', (pattern, message) => {
    expect(() => compilePattern(pattern)).toThrow(PatternError);
    expect(() => compilePattern(pattern)).toThrow(message);
  });
});
