import { describe, expect, it } from 'vitest';
import { filtersOf, parseQueryString, percentDecodesToUtf8 } from '../../src/http/query-string.js';
import { ValidationError } from '../../src/domain/errors.js';

describe('parseQueryString', () => {
  it('reads plain and percent-encoded brackets alike', () => {
    expect(parseQueryString('filter%5Bstatus%5D=pending&page=2')).toEqual({ 'filter[status]': 'pending', page: '2' });
    expect(parseQueryString('filter[status]=pending')).toEqual({ 'filter[status]': 'pending' });
  });

  it('joins filter arrays into the comma list the filters take', () => {
    expect(parseQueryString('filter[game_id][0]=2&filter[game_id][1]=3')).toEqual({ 'filter[game_id]': '2,3' });
    expect(parseQueryString('filter[id][]=1&filter[id][]=5')).toEqual({ 'filter[id]': '1,5' });
  });

  it('lets the last value win for a repeated plain key, as PHP does', () => {
    expect(parseQueryString('page=1&page=3')).toEqual({ page: '3' });
  });

  it('extracts filters by name and drops empty ones', () => {
    expect(filtersOf({ 'filter[status]': ' pending ', 'filter[id]': '', page: '1' })).toEqual({ status: 'pending' });
  });
});

describe('query strings that are not UTF-8', () => {
  it('tells bytes that percent-decode to UTF-8 from those that do not', () => {
    const ok = ['', 'a=b', 'a=%C3%A9', 'a=%EF%BF%BD', 'a=%zz%', 'a=%F0%9F%98%80', 'caf\u00e9'];
    const bad = ['a=%FF', 'a=%C3', 'a=%ED%A0%80', 'a=%C0%AF', 'a=%F4%90%80%80', 'a=%e9'];
    for (const text of ok) expect(percentDecodesToUtf8(Buffer.from(text)), text).toBe(true);
    for (const text of bad) expect(percentDecodesToUtf8(Buffer.from(text)), text).toBe(false);
  });

  it('keeps parsing as before, and has filtersOf refuse only the filters whose value was not UTF-8', () => {
    const query = parseQueryString('filter[search]=%ED%A0%80&filter%5Bstatus%5D=pending&page=%FF');
    expect(Object.fromEntries(Object.entries(query))).toEqual({ 'filter[search]': '\uFFFD\uFFFD\uFFFD', 'filter[status]': 'pending', page: '\uFFFD' });
    let error: unknown;
    try {
      filtersOf(query);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual({ 'filter.search': ['The filter.search field must be valid UTF-8.'] });
    expect(filtersOf(parseQueryString('filter[search]=%EF%BF%BD&page=%FF'))).toEqual({ search: '\uFFFD' });
  });
});
