import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DENSITY_QUANTILE_LEVELS,
  quantileOfSorted,
  quantiles,
  quantilesInPlace,
} from '../../src/engine/quantiles.js';

/** numpy's default (linear) quantile, from a full sort: the reference. */
function sortedQuantiles(values: readonly number[], qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return qs.map((q) => quantileOfSorted(sorted, q));
}

describe('quantilesInPlace (multi-quickselect)', () => {
  it('gives exactly what a full sort gives, duplicates and all', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: -5, max: 5 }),
            fc.double({ noNaN: true }).map((x) => x + 0),
          ),
          {
            minLength: 1,
            maxLength: 400,
          },
        ),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (values, qs) => {
          const expected = sortedQuantiles(values, qs);
          expect(quantilesInPlace(Float64Array.from(values), qs)).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles large, sorted, reversed and constant inputs (no quadratic blow-up)', () => {
    const n = 200_000;
    const inputs = [
      Float64Array.from({ length: n }, (_, i) => Math.sin(i * 7.77) * 1000),
      Float64Array.from({ length: n }, (_, i) => i),
      Float64Array.from({ length: n }, (_, i) => n - i),
      new Float64Array(n).fill(3),
      Float64Array.from({ length: n }, (_, i) => i % 3),
    ];
    for (const values of inputs) {
      const expected = sortedQuantiles(Array.from(values), DENSITY_QUANTILE_LEVELS);
      expect(quantiles(values, DENSITY_QUANTILE_LEVELS)).toEqual(expected);
    }
  });
});
