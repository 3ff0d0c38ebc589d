const FILTER_KEY = /^filter\[([^\][]+)\](?:\[[^\][]*\])?$/;

/**
 * Parses a query string the way PHP does for the shapes GameBoost clients send:
 * `filter[status]=x` and `filter%5Bstatus%5D=x` alike, arrays such as `filter[game_id][0]=2`
 * or `filter[id][]=1` joined into the comma list the filters take, and the last value winning
 * for a repeated plain key. Keys come out flat: `{ "filter[status]": "x", page: "2" }`.
 */
export function parseQueryString(raw: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
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
  return out;
}

/** The `filter[...]` entries of a parsed query, by filter name; empty values count as absent. */
export function filtersOf(query: Record<string, string | undefined>): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const name = FILTER_KEY.exec(key)?.[1];
    if (name !== undefined && value !== undefined && value.trim() !== '') filters[name] = value.trim();
  }
  return filters;
}
