/**
 * How commands print: `--json` gives the API's JSON on stdout for scripts; otherwise tables and
 * lines for a person, coloured only when stdout is a terminal (and NO_COLOR is unset).
 */
export interface OutputOptions {
  json?: boolean;
}

export function colourEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, cyan: 36 } as const;
export type Style = keyof typeof CODES;

export function paint(text: string, style: Style, stream: NodeJS.WriteStream = process.stdout): string {
  return colourEnabled(stream) ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
}

/** The colour a status or an HTTP answer reads in. */
export function statusStyle(status: string | number): Style {
  if (typeof status === 'number') return status >= 200 && status < 300 ? 'green' : status >= 500 || status === 0 ? 'red' : 'yellow';
  return ({ pending: 'yellow', in_delivery: 'blue', delivered: 'green', refunded: 'red' } as Record<string, Style>)[status] ?? 'cyan';
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  style?: (row: T) => Style | undefined;
}

/** An aligned table with a bold header; a cell's colour does not count towards its width. */
export function printTable<T>(rows: T[], columns: Column<T>[]): void {
  const texts = rows.map((row) => columns.map((c) => cell(c.value(row)).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.header.length, ...texts.map((t) => t[i]!.length))));
  const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  printLine(columns.map((c, i) => paint(fit(c.header.toUpperCase(), widths[i]!), 'bold')).join('  ').trimEnd());
  rows.forEach((row, r) => {
    const line = columns.map((c, i) => {
      const text = fit(texts[r]![i]!, widths[i]!);
      const style = c.style?.(row);
      return style ? paint(text, style) : text;
    });
    printLine(line.join('  ').trimEnd());
  });
  if (rows.length === 0) printLine(paint('(none)', 'dim'));
}

/** Unix seconds as an ISO date-time (UTC), for tables. */
export function isoTime(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
