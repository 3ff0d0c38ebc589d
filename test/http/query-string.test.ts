import { describe, expect, it } from 'vitest';
import { filtersOf, parseQueryString } from '../../src/http/query-string.js';

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
