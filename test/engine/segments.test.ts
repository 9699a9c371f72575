/** Segment order, plain-words labels, profiles and ellipse outlines, against hand values. */
import { describe, expect, it } from 'vitest';
import {
  profileMeans,
  profileShares,
  segmentLabels,
  segmentStats,
  shortColumnName,
} from '../../src/engine/describe-segments.js';
import { ELLIPSE_SEGMENTS, ellipseOutline } from '../../src/engine/ellipse.js';
import { componentOrder, permuteComponents } from '../../src/engine/order-components.js';
import {
  assertClose,
  fromParameters,
  inverse,
  quadraticForm,
  toParameters,
  type ReferenceMixture,
} from './reference.js';

function mixtureWith(weights: number[], means: number[][]): ReferenceMixture {
  return {
    weights,
    means,
    // component k's covariance is (k + 1)·I, so a permutation can be traced
    covariances: weights.map((_, k) =>
      means[0].map((_, a) => means[0].map((_, b) => (a === b ? k + 1 : 0))),
    ),
  };
}

describe('componentOrder and permuteComponents', () => {
  it('largest weight first', () => {
    const parameters = toParameters(
      mixtureWith(
        [0.2, 0.5, 0.3],
        [
          [0, 0],
          [1, 1],
          [2, 2],
        ],
      ),
      'full',
    );
    const order = componentOrder(parameters);
    expect(order).toEqual([1, 2, 0]);
    const permuted = fromParameters(permuteComponents(parameters, order));
    expect(permuted.weights).toEqual([0.5, 0.3, 0.2]);
    expect(permuted.means).toEqual([
      [1, 1],
      [2, 2],
      [0, 0],
    ]);
    expect(permuted.covariances.map((c) => c[0][0])).toEqual([2, 3, 1]);
    expect(permuted.covariances.map((c) => c[1][0])).toEqual([0, 0, 0]);
    // the original is left as it was
    expect(Array.from(parameters.weights)).toEqual([0.2, 0.5, 0.3]);
  });

  it('equal weights: by the means, lexicographically, smaller first', () => {
    const parameters = toParameters(
      mixtureWith(
        [0.25, 0.25, 0.25, 0.25],
        [
          [2, 0],
          [1, 5],
          [1, -3],
          [-4, 9],
        ],
      ),
      'diag',
    );
    expect(componentOrder(parameters)).toEqual([3, 2, 1, 0]);
  });

  it('identical components keep their order', () => {
    const parameters = toParameters(
      mixtureWith(
        [0.5, 0.5],
        [
          [1, 1],
          [1, 1],
        ],
      ),
      'full',
    );
    expect(componentOrder(parameters)).toEqual([0, 1]);
  });

  it('permuteComponents keeps the rest of the parameters', () => {
    const parameters = toParameters(mixtureWith([0.6, 0.4], [[0], [1]]), 'spherical');
    const permuted = permuteComponents(parameters, [1, 0]);
    expect(permuted.covarianceType).toBe('spherical');
    expect(permuted.nComponents).toBe(2);
    expect(permuted.nFeatures).toBe(1);
    expect(Array.from(permuted.means)).toEqual([1, 0]);
    expect(Array.from(permuted.covariances)).toEqual([2, 1]);
  });
});

describe('segmentLabels', () => {
  const names = ['income', 'score'];

  it('levels at the ±0.5 and ±1.5 thresholds', () => {
    const cases: [number, string][] = [
      [0, 'mid'],
      [0.49, 'mid'],
      [0.5, 'high'],
      [1.49, 'high'],
      [1.5, 'very high'],
      [4, 'very high'],
      [-0.49, 'mid'],
      [-0.5, 'low'],
      [-1.49, 'low'],
      [-1.5, 'very low'],
      [-4, 'very low'],
    ];
    const zScores = new Float64Array(cases.flatMap(([z]) => [z, 0]));
    const labels = segmentLabels(zScores, cases.length, names);
    // (repeated labels get a distinguishing term: see the next test)
    cases.forEach(([, word], k) =>
      expect(labels[k].startsWith(`${word} income · mid score`)).toBe(true),
    );
  });

  it('labels are unique: repeats are told apart by the column separating them most', () => {
    // segments 1 and 3 are both "mid income · mid score"; score separates them more
    const z = new Float64Array([0.1, -0.3, 2, 2, 0.2, 0.4]);
    expect(segmentLabels(z, 3, names)).toEqual([
      'mid income · mid score · lower score',
      'very high income · very high score',
      'mid income · mid score · higher score',
    ]);
    // three alike: lowest, middle, highest by income (the widest spread)
    const three = new Float64Array([0.4, 0, -0.4, 0.1, 0, 0.2]);
    expect(segmentLabels(three, 3, names)).toEqual([
      'mid income · mid score · highest income',
      'mid income · mid score · lowest income',
      'mid income · mid score · middle income',
    ]);
    // identical means everywhere: the segment numbers tell them apart
    const same = new Float64Array([0, 0, 0, 0]);
    const labels = segmentLabels(same, 2, names);
    expect(new Set(labels).size).toBe(2);
    expect(labels[0]).toMatch(/\(1\)$/);
  });

  it('"high income · low score"', () => {
    expect(segmentLabels(new Float64Array([0.9, -0.7, -1.6, 2]), 2, names)).toEqual([
      'high income · low score',
      'very low income · very high score',
    ]);
  });

  it('names only the three most distinctive columns, in column order', () => {
    // |z| ranks: b (2), e (1.0), c (0.7), a (0.1) → b, c, e
    expect(segmentLabels(new Float64Array([0.1, -2, 0.7, 1.0]), 1, ['a', 'b', 'c', 'e'])).toEqual([
      'very low b · high c · high e',
    ]);
    // three columns are all named
    expect(segmentLabels(new Float64Array([0, 0, 0]), 1, ['a', 'b', 'c'])).toEqual([
      'mid a · mid b · mid c',
    ]);
  });
});

describe('shortColumnName', () => {
  it('drops units in brackets, underscores and case', () => {
    expect(shortColumnName('Annual Income (k$)')).toBe('annual income');
    expect(shortColumnName('Spending Score (1-100)')).toBe('spending score');
    expect(shortColumnName('total_bill')).toBe('total bill');
    expect(shortColumnName('Weight [kg]')).toBe('weight');
    expect(shortColumnName('  Age  ')).toBe('age');
    // nothing left after dropping the brackets: keep the name
    expect(shortColumnName('(x)')).toBe('(x)');
  });
});

describe('segment statistics and profiles', () => {
  it('segmentStats by hand', () => {
    const labels = new Int32Array([0, 1, 0, 0, 2]);
    const certainty = new Float64Array([0.9, 0.6, 0.7, 0.8, 1]);
    const stats = segmentStats(labels, certainty, 4);
    expect(stats[0].count).toBe(3);
    expect(stats[0].share).toBeCloseTo(0.6, 15);
    expect(stats[0].meanCertainty).toBeCloseTo(0.8, 15);
    expect(stats[1]).toEqual({ count: 1, share: 0.2, meanCertainty: 0.6 });
    expect(stats[2].meanCertainty).toBe(1);
    expect(stats[3].count).toBe(0);
    expect(stats[3].meanCertainty).toBeNaN();
  });

  it('profileMeans by hand, skipping missing values', () => {
    const labels = new Int32Array([0, 0, 1, 1, 0, 1]);
    const values = new Float64Array([1, 2, 10, Number.NaN, 6, 20]);
    const means = profileMeans(labels, values, 3);
    expect(means[0]).toBe(3);
    expect(means[1]).toBe(15);
    expect(means[2]).toBeNaN();
  });

  it('profileShares by hand, largest first, ties by name', () => {
    const labels = new Int32Array([0, 0, 0, 1, 1, 1, 1]);
    const categories = ['a', 'b', 'a', 'z', 'y', '', 'z'];
    // As the reader keeps them: distinct cells in order of appearance, a code per row.
    const names = [...new Set(categories)];
    const codes = Int32Array.from(categories, (c) => names.indexOf(c));
    const shares = profileShares(labels, codes, names, 2);
    expect(shares[0]).toHaveLength(2);
    expect(shares[0][0].category).toBe('a');
    expect(shares[0][0].share).toBeCloseTo(2 / 3, 15);
    expect(shares[0][1].category).toBe('b');
    expect(shares[0][1].share).toBeCloseTo(1 / 3, 15);
    expect(shares[1].map((s) => s.category)).toEqual(['z', '', 'y']);
    expect(shares[1].map((s) => s.share)).toEqual([0.5, 0.25, 0.25]);
  });
});

describe('ellipseOutline', () => {
  const cases: { name: string; mean: [number, number]; covariance: number[] }[] = [
    { name: 'correlated', mean: [1, -2], covariance: [2, 0.8, 0.8, 1] },
    { name: 'negatively correlated', mean: [0, 0], covariance: [0.5, -0.3, -0.3, 1.5] },
    { name: 'axis-aligned', mean: [3, 4], covariance: [4, 0, 0, 1] },
    { name: 'round', mean: [-1, 1], covariance: [2, 0, 0, 2] },
  ];

  it.each(cases)('$name: (p − μ)ᵀ Σ⁻¹ (p − μ) = r² and the outline closes', (c) => {
    const sigma = [
      [c.covariance[0], c.covariance[1]],
      [c.covariance[2], c.covariance[3]],
    ];
    const precision = inverse(sigma);
    for (const r of [1, 2]) {
      const points = ellipseOutline(c.mean, c.covariance, r);
      expect(points.length).toBe(2 * (ELLIPSE_SEGMENTS + 1));
      const angles: number[] = [];
      for (let s = 0; s <= ELLIPSE_SEGMENTS; s++) {
        const p = [points[2 * s], points[2 * s + 1]];
        assertClose(
          quadraticForm(p, c.mean, precision),
          r * r,
          1e-10,
          `${c.name} r=${r} point ${s}`,
        );
        angles.push(Math.atan2(p[1] - c.mean[1], p[0] - c.mean[0]));
      }
      // the last point repeats the first
      expect(points[2 * ELLIPSE_SEGMENTS]).toBeCloseTo(points[0], 12);
      expect(points[2 * ELLIPSE_SEGMENTS + 1]).toBeCloseTo(points[1], 12);
      // and the outline goes once around the mean: consecutive points are distinct and
      // the angle steps all have one sign
      let winding = 0;
      for (let s = 1; s <= ELLIPSE_SEGMENTS; s++) {
        let step = angles[s] - angles[s - 1];
        if (step > Math.PI) step -= 2 * Math.PI;
        if (step < -Math.PI) step += 2 * Math.PI;
        expect(Math.abs(step)).toBeGreaterThan(1e-3);
        winding += step;
      }
      expect(Math.abs(winding)).toBeCloseTo(2 * Math.PI, 10);
    }
  });

  it('axis-aligned: half-axes r·σ₁ and r·σ₂', () => {
    const points = ellipseOutline([3, 4], [4, 0, 0, 1], 2);
    let maxX = 0;
    let maxY = 0;
    for (let s = 0; s < ELLIPSE_SEGMENTS; s++) {
      maxX = Math.max(maxX, Math.abs(points[2 * s] - 3));
      maxY = Math.max(maxY, Math.abs(points[2 * s + 1] - 4));
    }
    // 72 segments include the angles 0 and π/2
    expect(maxX).toBeCloseTo(4, 12);
    expect(maxY).toBeCloseTo(2, 12);
  });
});
