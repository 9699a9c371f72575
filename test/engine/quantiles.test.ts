import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DENSITY_QUANTILE_LEVELS,
  quantileOfSorted,
  quantiles,
  quantilesInPlace,
  weightedQuantiles,
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

describe('weightedQuantiles (frequency weights)', () => {
  it('gives exactly the quantiles of the rows repeated w times, weight-0 rows included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.integer({ min: -5, max: 5 }),
              fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x + 0),
            ),
            fc.integer({ min: 0, max: 4 }),
          ),
          { minLength: 1, maxLength: 200 },
        ),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (rows, qs) => {
          fc.pre(rows.some(([, w]) => w > 0));
          const repeated = rows.flatMap(([value, w]) => Array<number>(w).fill(value));
          const values = Float64Array.from(rows, ([value]) => value);
          const weights = Float64Array.from(rows, ([, w]) => w);
          expect(weightedQuantiles(values, weights, qs)).toEqual(sortedQuantiles(repeated, qs));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('with every weight 1, is quantiles', () => {
    const values = Float64Array.from({ length: 501 }, (_, i) => Math.sin(i * 7.3) * 100);
    const ones = new Float64Array(values.length).fill(1);
    expect(weightedQuantiles(values, ones, DENSITY_QUANTILE_LEVELS)).toEqual(
      quantiles(values, DENSITY_QUANTILE_LEVELS),
    );
  });
});
