import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { money, parseMoneyInput } from '../../src/domain/money.js';

describe('money', () => {
  it('formats EUR the GameBoost way and USD the US way', () => {
    expect(money(599, 'EUR')).toEqual({ format: '€5,99', value: 5.99, amount: 599, currency: { symbol: '€', code: 'EUR' } });
    expect(money(642, 'USD')).toEqual({ format: '$6.42', value: 6.42, amount: 642, currency: { symbol: '$', code: 'USD' } });
    expect(money(123456789, 'EUR').format).toBe('€1.234.567,89');
    expect(money(123456789, 'USD').format).toBe('$1,234,567.89');
    expect(money(0, 'EUR').format).toBe('€0,00');
  });

  it('parses decimal strings and numbers into cents without float drift', () => {
    expect(parseMoneyInput('12.50', 'price')).toBe(1250);
    expect(parseMoneyInput(12.5, 'price')).toBe(1250);
    expect(parseMoneyInput('0.29', 'price')).toBe(29);
    expect(parseMoneyInput('7', 'price')).toBe(700);
  });

  it('rejects more than two decimals, negatives and text, naming the field', () => {
    for (const bad of ['12.345', '-1', 'abc', '', '1e3', true]) {
      expect(() => parseMoneyInput(bad, 'price_usd')).toThrow(ValidationError);
    }
    try {
      parseMoneyInput('x', 'price_usd');
    } catch (e) {
      expect((e as ValidationError).errors).toEqual({ price_usd: ['The price usd field must be a decimal amount with at most 2 decimal places.'] });
    }
  });
});
