import { describe, expect, it } from 'vitest';
import { parseDateRange } from '../../src/domain/order-list-query.js';

describe('parseDateRange', () => {
  it('covers a whole UTC day, or both days of a range inclusive', () => {
    expect(parseDateRange('2026-11-25')).toEqual({ from: Date.UTC(2026, 10, 25) / 1000, to: Date.UTC(2026, 10, 26) / 1000 });
    expect(parseDateRange('2026-11-01,2026-11-30')).toEqual({ from: Date.UTC(2026, 10, 1) / 1000, to: Date.UTC(2026, 11, 1) / 1000 });
  });

  it('rejects impossible dates, reversed ranges and other shapes', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-11-25,2026-11-24', 'yesterday', '2026-11-25,', '1,2,3', '20261125']) {
      expect(parseDateRange(bad), bad).toBeNull();
    }
  });
});
