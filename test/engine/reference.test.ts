/** The reference itself, checked against hand-computed values before it judges the engine. */
import { describe, expect, it } from 'vitest';
import {
  assertAllClose,
  cholesky,
  determinant,
  gaussianDensity,
  gaussianLogDensity,
  identity,
  inverse,
  multiply,
  referenceMStep,
  symmetricEigenvalues,
  transpose,
} from './reference.js';

describe('reference linear algebra', () => {
  const a = [
    [4, 2, 0.6],
    [2, 3, 0.4],
    [0.6, 0.4, 2],
  ];

  it('determinant by hand (2×2 and 3×3)', () => {
    expect(
      determinant([
        [3, 1],
        [2, 5],
      ]),
    ).toBeCloseTo(13, 12);
    // 4(6 − 0.16) − 2(4 − 0.24) + 0.6(0.8 − 1.8) = 23.36 − 7.52 − 0.6
    expect(determinant(a)).toBeCloseTo(15.24, 12);
    // a row swap is needed for the first pivot
    expect(
      determinant([
        [0, 1],
        [1, 0],
      ]),
    ).toBeCloseTo(-1, 12);
  });

  it('inverse by hand and A·A⁻¹ = I', () => {
    const inv = inverse([
      [3, 1],
      [2, 5],
    ]);
    assertAllClose(inv.flat(), [5 / 13, -1 / 13, -2 / 13, 3 / 13], 1e-14);
    assertAllClose(multiply(a, inverse(a)).flat(), identity(3).flat(), 1e-13);
  });

  it('cholesky: L Lᵀ = A with L lower triangular', () => {
    const l = cholesky(a);
    expect(l[0][1]).toBe(0);
    expect(l[0][2]).toBe(0);
    expect(l[1][2]).toBe(0);
    expect(l[0][0]).toBeCloseTo(2, 14);
    assertAllClose(multiply(l, transpose(l)).flat(), a.flat(), 1e-13);
  });

  it('symmetric eigenvalues by hand', () => {
    // [[2,1],[1,2]] has eigenvalues 1 and 3
    assertAllClose(
      symmetricEigenvalues([
        [2, 1],
        [1, 2],
      ]),
      [1, 3],
      1e-12,
    );
    // their product is the determinant and their sum the trace
    const values = symmetricEigenvalues(a);
    expect(values[0] * values[1] * values[2]).toBeCloseTo(15.24, 10);
    expect(values[0] + values[1] + values[2]).toBeCloseTo(9, 10);
  });

  it('gaussian density by hand', () => {
    expect(gaussianDensity([0], [0], [[1]])).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 14);
    // N(x=1 | 0, σ²=4) = exp(−1/8) / sqrt(8π)
    expect(gaussianDensity([1], [0], [[4]])).toBeCloseTo(
      Math.exp(-1 / 8) / Math.sqrt(8 * Math.PI),
      14,
    );
    // a product of independent normals when Σ is diagonal
    const expected =
      (Math.exp(-0.5 * (1 / 2)) / Math.sqrt(2 * Math.PI * 2)) *
      (Math.exp(-0.5 * (4 / 3)) / Math.sqrt(2 * Math.PI * 3));
    expect(
      gaussianDensity(
        [1, 2],
        [0, 0],
        [
          [2, 0],
          [0, 3],
        ],
      ),
    ).toBeCloseTo(expected, 14);
    expect(
      gaussianLogDensity(
        [1, 2],
        [0, 0],
        [
          [2, 0],
          [0, 3],
        ],
      ),
    ).toBeCloseTo(Math.log(expected), 12);
  });

  it('M-step by hand on three weighted points', () => {
    const rows = [[0], [1], [3]];
    const resp = [[1], [1], [1]];
    const m = referenceMStep(rows, resp, 'full', 0);
    expect(m.means[0][0]).toBeCloseTo(4 / 3, 12);
    // ((16 + 1 + 25) / 9) / 3 = 14/9
    expect(m.covariances[0][0][0]).toBeCloseTo(14 / 9, 12);
    expect(m.weights[0]).toBe(1);
  });
});
