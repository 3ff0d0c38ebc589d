import { ValidationError } from './errors.js';

export type CurrencyCode = 'EUR' | 'USD';

export interface Money {
  format: string;
  value: number;
  amount: number;
  currency: { symbol: string; code: CurrencyCode };
}

const SYMBOLS: Record<CurrencyCode, string> = { EUR: '€', USD: '$' };

function groupThousands(whole: string, separator: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** The live GameBoost money object; `amount` is in minor units (cents). */
export function money(amount: number, code: CurrencyCode): Money {
  const whole = Math.floor(Math.abs(amount) / 100).toString();
  const cents = (Math.abs(amount) % 100).toString().padStart(2, '0');
  const sign = amount < 0 ? '-' : '';
  const format = code === 'EUR'
    ? `${sign}€${groupThousands(whole, '.')},${cents}`
    : `${sign}$${groupThousands(whole, ',')}.${cents}`;
  return { format, value: amount / 100, amount, currency: { symbol: SYMBOLS[code], code } };
}

/**
 * A price in millionths (currency offers price one unit with up to 6 decimals): the money
 * object's format with at least 2 and at most 6 decimals (`€0,015`, `$1,234.50`).
 */
export function formatMicros(micros: number, code: CurrencyCode): string {
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / 1_000_000).toString();
  const fraction = (abs % 1_000_000).toString().padStart(6, '0').replace(/0{1,4}$/, '');
  const sign = micros < 0 ? '-' : '';
  return code === 'EUR'
    ? `${sign}€${groupThousands(whole, '.')},${fraction}`
    : `${sign}$${groupThousands(whole, ',')}.${fraction}`;
}

/**
 * Request bodies may carry a price as a number (12.5) or a decimal string ("12.50"),
 * as GameBoost documents; at most two decimals, not negative.
 */
export function parseMoneyInput(value: unknown, field: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : null;
  if (text === null || !/^\d{1,10}(\.\d{1,2})?$/.test(text)) {
    throw ValidationError.field(field, `The ${attributeName(field)} field must be a decimal amount with at most 2 decimal places.`);
  }
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Laravel writes `price_usd` as "price usd" in messages. */
export function attributeName(field: string): string {
  return field.replace(/_/g, ' ');
}
