import { isUtf8 } from 'node:buffer';
import { ValidationError, type FieldErrors } from '../domain/errors.js';

const FILTER_KEY = /^filter\[([^\][]+)\](?:\[[^\][]*\])?$/;
/** A percent-escape of a byte above 0x7f: the only way a (necessarily ASCII) URL can carry bytes that are not UTF-8. */
const HIGH_BYTE_ESCAPE = /%[89a-f][0-9a-f]/i;
/** The flat keys of a parsed query whose value was not UTF-8 once percent-decoded. */
const BADLY_ENCODED = Symbol('badlyEncoded');

type ParsedQuery = Record<string, string> & { [BADLY_ENCODED]?: Set<string> };

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * Whether `bytes` (a query string or a form body, `%XX` escapes included) are UTF-8 once
 * percent-decoded. URLSearchParams replaces what is not with U+FFFD, silently; PHP would pass the
 * bytes on. A malformed escape (`%zz`) stays as it is, as both do.
 */
export function percentDecodesToUtf8(bytes: Uint8Array): boolean {
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const high = byte === 0x25 && i + 2 < bytes.length ? hexValue(bytes[i + 1]!) : -1;
    const low = high >= 0 ? hexValue(bytes[i + 2]!) : -1;
    if (low >= 0) {
      out[n++] = high * 16 + low;
      i += 2;
    } else {
      out[n++] = byte;
    }
  }
  return isUtf8(out.subarray(0, n));
}

/** Whether percent-decoding `text` can yield bytes that are not UTF-8 at all (most text: no). */
export function hasHighByteEscape(text: string): boolean {
  return HIGH_BYTE_ESCAPE.test(text);
}

function flatKey(key: string): string {
  const filter = FILTER_KEY.exec(key);
  return filter ? `filter[${filter[1]}]` : key;
}

/** The rare second pass: which keys have a value that is not UTF-8 (a bad name is just an unknown key). */
function badlyEncodedKeys(raw: string): Set<string> {
  const bad = new Set<string>();
  for (const pair of raw.split('&')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || percentDecodesToUtf8(Buffer.from(pair.slice(eq + 1), 'latin1'))) continue;
    // The key as URLSearchParams decoded it above, so that it matches the parsed entry.
    const [entry] = new URLSearchParams(`${pair.slice(0, eq)}=`);
    if (entry) bad.add(flatKey(entry[0]));
  }
  return bad;
}

/**
 * Parses a query string the way PHP does for the shapes GameBoost clients send:
 * `filter[status]=x` and `filter%5Bstatus%5D=x` alike, arrays such as `filter[game_id][0]=2`
 * or `filter[id][]=1` joined into the comma list the filters take, and the last value winning
 * for a repeated plain key. Keys come out flat: `{ "filter[status]": "x", page: "2" }`.
 * Keys whose value is not UTF-8 are remembered, for filtersOf to refuse.
 */
export function parseQueryString(raw: string): Record<string, string> {
  const out: ParsedQuery = Object.create(null);
  // Most requests (every send) have no query: skip building a URLSearchParams for nothing.
  if (raw === '') return out;
  for (const [key, value] of new URLSearchParams(raw)) {
    const filter = FILTER_KEY.exec(key);
    if (filter) {
      const flat = `filter[${filter[1]}]`;
      out[flat] = out[flat] !== undefined && key !== flat ? `${out[flat]},${value}` : value;
    } else {
      out[key] = value;
    }
  }
  // A symbol: invisible to schema validation and to Object.entries.
  if (hasHighByteEscape(raw)) {
    const bad = badlyEncodedKeys(raw);
    if (bad.size > 0) out[BADLY_ENCODED] = bad;
  }
  return out;
}

/**
 * The `filter[...]` entries of a parsed query, by filter name; empty values count as absent.
 * A filter whose value is not UTF-8 answers 422: searched or compared, it would stand for text
 * the client did not send.
 */
export function filtersOf(query: Record<string, string | undefined>): Record<string, string> {
  const bad = (query as ParsedQuery)[BADLY_ENCODED];
  const filters: Record<string, string> = {};
  const errors: FieldErrors = {};
  for (const [key, value] of Object.entries(query)) {
    const name = FILTER_KEY.exec(key)?.[1];
    if (name === undefined) continue;
    if (bad?.has(key)) errors[`filter.${name}`] = [`The filter.${name} field must be valid UTF-8.`];
    else if (value !== undefined && value.trim() !== '') filters[name] = value.trim();
  }
  if (bad && Object.keys(errors).length > 0) throw new ValidationError(errors);
  return filters;
}
