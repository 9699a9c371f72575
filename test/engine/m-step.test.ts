/** The M-step against the weighted formulas, written directly on nested arrays. */
import { describe, expect, it } from 'vitest';
import { expectationStep, createResponsibilitySums } from '../../src/engine/e-step.js';
import { estimateGaussianParameters, sumResponsibilities } from '../../src/engine/m-step.js';
import { computePrecisionFactors } from '../../src/engine/precision.js';
import { Random } from '../../src/engine/random.js';
import { SKLEARN_TYPES, type CovarianceType } from '../../src/engine/types.js';
import {
  assertAllClose,
  flatten,
  fromParameters,
  randomMixture,
  randomResponsibilities,
  randomRows,
  referenceMStep,
  toDataMatrix,
  toParameters,
  type Matrix,
} from './reference.js';

const REG = 1e-6;

interface Case {
  readonly name: string;
  readonly covarianceType: CovarianceType;
  readonly rows: Matrix;
  readonly resp: Matrix;
}

const CASES: Case[] = [];
for (const covarianceType of SKLEARN_TYPES) {
  for (const d of [1, 2, 3, 5]) {
    for (const K of [1, 2, 4]) {
      const random = new Random(77, d, K, SKLEARN_TYPES.indexOf(covarianceType));
      const n = 25 + 5 * K;
      CASES.push({
        name: `${covarianceType} d=${d} K=${K}`,
        covarianceType,
        rows: randomRows(random, n, d).map((row) => row.map((v, j) => v + j)),
        resp: randomResponsibilities(random, n, K),
      });
    }
  }
}

function expectMatchesReference(
  actual: ReturnType<typeof estimateGaussianParameters>,
  expected: ReturnType<typeof referenceMStep>,
  tolerance: number,
  what: string,
): void {
  const got = fromParameters(actual);
  assertAllClose(got.weights, expected.weights, tolerance, `${what} weights`);
  assertAllClose(got.means.flat(), expected.means.flat(), tolerance, `${what} means`);
  assertAllClose(
    got.covariances.flatMap((c) => c.flat()),
    expected.covariances.flatMap((c) => c.flat()),
    tolerance,
    `${what} covariances`,
  );
}

describe('estimateGaussianParameters against the weighted formulas', () => {
  it.each(CASES)('$name (soft responsibilities)', (c) => {
    const K = c.resp[0].length;
    const d = c.rows[0].length;
    const result = estimateGaussianParameters(
      toDataMatrix(c.rows),
      flatten(c.resp),
      K,
      c.covarianceType,
      REG,
    );
    expect(result.nComponents).toBe(K);
    expect(result.nFeatures).toBe(d);
    expect(result.covarianceType).toBe(c.covarianceType);
    expectMatchesReference(
      result,
      referenceMStep(c.rows, c.resp, c.covarianceType, REG),
      1e-11,
      c.name,
    );
    let total = 0;
    for (const w of result.weights) total += w;
    expect(Math.abs(total - 1)).toBeLessThan(1e-14);
    // the stored matrices are symmetric, and the constrained ones have zero off-diagonals
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const v = result.covariances[k * d * d + a * d + b];
          expect(v).toBe(result.covariances[k * d * d + b * d + a]);
          if (a !== b && (c.covarianceType === 'diag' || c.covarianceType === 'spherical')) {
            expect(v).toBe(0);
          }
        }
      }
    }
  });

  it.each(CASES.filter((c) => c.resp[0].length > 1))(
    '$name (hard labels, one component left empty)',
    (c) => {
      const K = c.resp[0].length;
      // every row to a component other than the last one, which is left empty
      const hard = c.rows.map((_, i) =>
        Array.from({ length: K }, (_, k) => (k === i % (K - 1) ? 1 : 0)),
      );
      const result = estimateGaussianParameters(
        toDataMatrix(c.rows),
        flatten(hard),
        K,
        c.covarianceType,
        REG,
      );
      expectMatchesReference(
        result,
        referenceMStep(c.rows, hard, c.covarianceType, REG),
        1e-11,
        c.name,
      );
      // Nₖ = 10ε for the empty component: its weight is 10ε / (n + K·10ε), its mean 0
      expect(result.weights[K - 1]).toBeCloseTo((10 * Number.EPSILON) / c.rows.length, 25);
      expect(result.weights[K - 1]).toBeGreaterThan(0);
    },
  );

  it('uses the sums gathered by the E-step (same result as summing the responsibilities)', () => {
    const random = new Random(5);
    const mixture = randomMixture(random, 3, 3, 'full');
    const rows = randomRows(random, 40, 3);
    const data = toDataMatrix(rows);
    const resp = new Float64Array(40 * 3);
    const sums = createResponsibilitySums(3, 3);
    expectationStep(data, computePrecisionFactors(toParameters(mixture, 'full')), resp, sums);
    const respRows = Array.from({ length: 40 }, (_, i) =>
      Array.from(resp.subarray(i * 3, i * 3 + 3)),
    );
    for (const covarianceType of SKLEARN_TYPES) {
      const result = estimateGaussianParameters(data, resp, 3, covarianceType, 1e-4, sums);
      expectMatchesReference(
        result,
        referenceMStep(rows, respRows, covarianceType, 1e-4),
        1e-11,
        covarianceType,
      );
    }
  });

  it.each([3, 26, 34])(
    'tied, d=%i: the pooled scatter from the E-step’s total scatter equals the reference',
    (d) => {
      // the tied E-step gathers Σ (x − μ₁)(x − μ₁)ᵀ once, not one scatter per component
      const random = new Random(6, d);
      const mixture = randomMixture(random, 3, d, 'tied');
      const rows = randomRows(random, 60, d).map((r) => r.map((v) => v + 50)); // off-centre
      const data = toDataMatrix(rows);
      const resp = new Float64Array(60 * 3);
      const sums = createResponsibilitySums(3, d);
      const factors = computePrecisionFactors(toParameters(mixture, 'tied'));
      expect(factors.shape).toBe('tied');
      expectationStep(data, factors, resp, sums);
      expect(sums.pooled).toBe(true);
      const respRows = Array.from({ length: 60 }, (_, i) =>
        Array.from(resp.subarray(i * 3, i * 3 + 3)),
      );
      const result = estimateGaussianParameters(data, resp, 3, 'tied', 1e-4, sums);
      expectMatchesReference(result, referenceMStep(rows, respRows, 'tied', 1e-4), 1e-9, 'tied');
    },
  );

  it('sumResponsibilities gives Σᵢ rᵢₖ and Σᵢ rᵢₖ xᵢ', () => {
    const rows = [
      [1, 2],
      [3, -1],
      [0, 5],
    ];
    const resp = [
      [0.25, 0.75],
      [1, 0],
      [0.5, 0.5],
    ];
    const sums = sumResponsibilities(toDataMatrix(rows), flatten(resp), 2);
    assertAllClose(sums.nk, [1.75, 1.25], 1e-15);
    // component 1: 0.25·(1,2) + (3,−1) + 0.5·(0,5) = (3.25, 2); component 2: 0.75·(1,2) + 0.5·(0,5)
    assertAllClose(sums.weightedSums, [3.25, 2, 0.75, 4], 1e-15);
  });

  it('full M-step by hand on four points', () => {
    // one component, all weight 1: population covariance of (0,0), (2,0), (0,2), (2,2)
    const rows = [
      [0, 0],
      [2, 0],
      [0, 2],
      [2, 2],
    ];
    const resp = new Float64Array([1, 1, 1, 1]);
    const full = estimateGaussianParameters(toDataMatrix(rows), resp, 1, 'full', 0.5);
    assertAllClose(full.means, [1, 1], 1e-15);
    assertAllClose(full.covariances, [1.5, 0, 0, 1.5], 1e-14);
    // stretch the second column: variances 1 and 4, spherical = (1 + 4)/2 + reg
    const stretched = rows.map(([x, y]) => [x, 2 * y]);
    const spherical = estimateGaussianParameters(
      toDataMatrix(stretched),
      resp,
      1,
      'spherical',
      0.5,
    );
    assertAllClose(spherical.covariances, [3, 0, 0, 3], 1e-14);
    const diag = estimateGaussianParameters(toDataMatrix(stretched), resp, 1, 'diag', 0.5);
    assertAllClose(diag.covariances, [1.5, 0, 0, 4.5], 1e-14);
  });

  it('keeps its precision when the data sit far from the origin', () => {
    const random = new Random(11);
    const base = randomRows(random, 50, 2, 1);
    const resp = randomResponsibilities(random, 50, 2);
    const shifted = base.map((row) => row.map((v) => v + 1e7));
    for (const covarianceType of SKLEARN_TYPES) {
      const near = referenceMStep(base, resp, covarianceType, REG);
      const far = estimateGaussianParameters(
        toDataMatrix(shifted),
        flatten(resp),
        2,
        covarianceType,
        REG,
      );
      // the covariance does not depend on the shift; 1e7 · ε ≈ 2e−9 per coordinate
      assertAllClose(
        far.covariances,
        near.covariances.flatMap((c) => c.flat()),
        1e-7,
        covarianceType,
      );
    }
  });
});
