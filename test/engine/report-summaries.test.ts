import { inverse, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { certaintyHistogram, leastCertainRows } from '../../src/engine/certainty-summary.js';
import { pairSeparation, scatterPairs } from '../../src/engine/separating-pairs.js';

/** Fisher's trace(W⁻¹B) for columns (a, b), written the long way with ml-matrix. */
function naiveSeparation(
  means: number[][],
  covariances: number[][][],
  weights: number[],
  a: number,
  b: number,
): number {
  const pick = (m: number[][]) => [
    [m[a][a], m[a][b]],
    [m[b][a], m[b][b]],
  ];
  let within = Matrix.zeros(2, 2);
  covariances.forEach((c, k) => (within = within.add(new Matrix(pick(c)).mul(weights[k]))));
  const center = [0, 1].map((_, i) => means.reduce((s, m, k) => s + weights[k] * m[[a, b][i]], 0));
  let between = Matrix.zeros(2, 2);
  means.forEach((m, k) => {
    const v = new Matrix([[m[a] - center[0]], [m[b] - center[1]]]);
    between = between.add(v.mmul(v.transpose()).mul(weights[k]));
  });
  return inverse(within).mmul(between).trace();
}

function flat(arrays: number[][] | number[][][]): Float64Array {
  return new Float64Array((arrays as unknown[]).flat(2) as number[]);
}

describe('pairSeparation', () => {
  it("is trace(W⁻¹B), as ml-matrix's inverse computes it", () => {
    const means = [
      [0, 1, -2],
      [3, -1, 0.5],
      [1, 2, 4],
    ];
    const covariances = [
      [
        [1, 0.3, 0.1],
        [0.3, 2, -0.4],
        [0.1, -0.4, 1.5],
      ],
      [
        [0.5, -0.2, 0],
        [-0.2, 1, 0.2],
        [0, 0.2, 0.7],
      ],
      [
        [2, 0.8, 0.3],
        [0.8, 1.2, 0],
        [0.3, 0, 0.9],
      ],
    ];
    const weights = [0.5, 0.3, 0.2];
    for (const [a, b] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const got = pairSeparation(
        flat(means),
        flat(covariances),
        new Float64Array(weights),
        3,
        a,
        b,
      );
      expect(got).toBeCloseTo(naiveSeparation(means, covariances, weights, a, b), 12);
    }
  });
});

describe('scatterPairs', () => {
  const identity = (d: number) =>
    Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));

  it('gives every pair, in column order, up to 6 columns', () => {
    const d = 4;
    const means = [Array(d).fill(0), Array(d).fill(1)];
    const pairs = scatterPairs(
      flat(means),
      flat([identity(d), identity(d)]),
      new Float64Array([0.5, 0.5]),
      d,
    );
    expect(pairs).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
  });

  it('beyond 6 columns, the 6 pairs along which the components stand apart most', () => {
    // 8 columns; the two components differ in column 2 (by 4), 5 (by 3) and 7 (by 1)
    const d = 8;
    const first = Array(d).fill(0);
    const second = [0, 0, 4, 0, 0, 3, 0, 1];
    const pairs = scatterPairs(
      flat([first, second]),
      flat([identity(d), identity(d)]),
      new Float64Array([0.5, 0.5]),
      d,
    );
    expect(pairs).toHaveLength(6);
    // (2,5) separates most: both differences add up; then 2 with 7, then 2 with any other
    expect(pairs[0]).toEqual([2, 5]);
    expect(pairs[1]).toEqual([2, 7]);
    expect(pairs.slice(2)).toEqual([
      [0, 2],
      [1, 2],
      [2, 3],
      [2, 4],
    ]);
  });
});

describe('certainty summaries', () => {
  it('histogram counts every row once, 1.0 in the last bin', () => {
    const certainty = new Float64Array([0.5, 0.55, 0.999, 1, 1, 0.34, 0.75]);
    expect(Array.from(certaintyHistogram(certainty, 4))).toEqual([0, 1, 2, 4]);
  });

  it('least certain rows agree with sorting every row (ties by row)', () => {
    const values = Array.from({ length: 500 }, (_, i) => Math.round(((i * 7919) % 997) / 10) / 100);
    const certainty = new Float64Array(values);
    const naive = values
      .map((v, i) => ({ v, i }))
      .sort((x, y) => x.v - y.v || x.i - y.i)
      .slice(0, 12)
      .map((x) => x.i);
    expect(leastCertainRows(certainty, 12)).toEqual(naive);
    expect(leastCertainRows(new Float64Array([0.9, 0.8]), 5)).toEqual([1, 0]);
  });
});
