/**
 * Frequency weights: a row of weight w must act as w copies of it. Each check
 * compares a weighted computation with the same computation on the expanded rows
 * (every row repeated w times), which the engine runs unweighted.
 */
import { describe, expect, it } from 'vitest';
import { columnVariances } from '../../src/engine/degeneracy.js';
import { createResponsibilitySums, expectationStep } from '../../src/engine/e-step.js';
import { emSteps, runSteps } from '../../src/engine/em.js';
import { sumResponsibilities } from '../../src/engine/m-step.js';
import { computePrecisionFactors } from '../../src/engine/precision.js';
import { classifyRows } from '../../src/engine/predict.js';
import { Random } from '../../src/engine/random.js';
import { groupRowsByPattern } from '../../src/engine/row-patterns.js';
import { subsampleRows } from '../../src/engine/search-sample.js';
import { fitMixture } from '../../src/engine/search.js';
import { scoreFit } from '../../src/engine/select-model.js';
import { COVARIANCE_TYPES, type DataMatrix } from '../../src/engine/types.js';
import {
  assertAllClose,
  assertClose,
  flatten,
  randomMixture,
  sampleMixture,
  toParameters,
  type Matrix,
} from './reference.js';

const random = new Random(2024, 13);
const { rows } = sampleMixture(random, randomMixture(random, 3, 3, 'full'), 120);
const weights = rows.map((_, i) => (i * 7) % 4); // 0..3, zeros included
const expanded: Matrix = rows.flatMap((row, i) => Array.from({ length: weights[i] }, () => row));

const weighted: DataMatrix = {
  values: flatten(rows),
  nSamples: rows.length,
  nFeatures: 3,
  rowWeights: Float64Array.from(weights),
};
const repeated: DataMatrix = { values: flatten(expanded), nSamples: expanded.length, nFeatures: 3 };

describe('weighted rows equal repeated rows', () => {
  for (const type of COVARIANCE_TYPES) {
    it(`E-step ℓ and every sum, ${type}`, () => {
      const parameters = toParameters(randomMixture(new Random(5, 1), 3, 3, type), type);
      const factors = computePrecisionFactors(parameters);
      const a = createResponsibilitySums(3, 3);
      const b = createResponsibilitySums(3, 3);
      const la = expectationStep(weighted, factors, null, a);
      const lb = expectationStep(repeated, factors, null, b);
      assertClose(la, lb, 1e-12, 'ℓ');
      assertAllClose(a.nk, b.nk, 1e-12, 'N');
      assertAllClose(a.weightedSums, b.weightedSums, 1e-12, 'Σ r x');
      assertAllClose(a.scatter, b.scatter, 1e-12, 'scatter');
    });

    it(`EM from the same initial parameters reaches the same fit, ${type}`, () => {
      const initial = toParameters(randomMixture(new Random(9, 2), 3, 3, type), type);
      const shape = { nComponents: 3, covarianceType: type, regCovar: 1e-6 };
      const limits = { maxIter: 200, tol: 1e-12, accelerate: true };
      const total = weights.reduce((s, w) => s + w, 0);
      const fa = runSteps(weighted, emSteps(shape, total, 3, limits, initial));
      const fb = runSteps(repeated, emSteps(shape, total, 3, limits, initial));
      assertClose(fa.trajectory.at(-1)!, fb.trajectory.at(-1)!, 1e-9, 'final ℓ');
      assertAllClose(fa.parameters.means, fb.parameters.means, 1e-6, 'means');
      assertAllClose(fa.parameters.covariances, fb.parameters.covariances, 1e-6, 'covariances');
      assertAllClose(fa.parameters.weights, fb.parameters.weights, 1e-6, 'weights');
      // labels: each row's label equals that of its copies
      const la = classifyRows(weighted, fa.parameters).labels;
      const lb = classifyRows(repeated, fb.parameters).labels;
      let copy = 0;
      rows.forEach((_, i) => {
        for (let c = 0; c < weights[i]; c++) expect(la[i]).toBe(lb[copy++]);
      });
    });
  }

  it('M-step sums from responsibilities, and column variances', () => {
    const resp = new Float64Array(rows.length * 2).map((_, e) => (e % 2 === 0 ? 0.3 : 0.7));
    const respExpanded = new Float64Array(expanded.length * 2).map((_, e) =>
      e % 2 === 0 ? 0.3 : 0.7,
    );
    const a = sumResponsibilities(weighted, resp, 2);
    const b = sumResponsibilities(repeated, respExpanded, 2);
    assertAllClose(a.nk, b.nk, 1e-12, 'N');
    assertAllClose(a.weightedSums, b.weightedSums, 1e-12, 'Σ r x');
    assertAllClose(
      columnVariances(weighted.values, rows.length, 3, weighted.rowWeights),
      columnVariances(repeated.values, expanded.length, 3),
      1e-12,
      'variances',
    );
  });

  it('the whole search reaches the same optimum, ℓ and BIC with n = Σw', () => {
    const settings = {
      nComponents: 3,
      covarianceType: 'full' as const,
      init: 'mixed' as const,
      nInit: 40,
      maxIter: 500,
      tol: 1e-10,
      regCovar: 1e-6,
      seed: 0,
    };
    const fa = fitMixture(weighted, settings);
    const fb = fitMixture(repeated, settings);
    const sa = scoreFit(weighted, fa);
    const sb = scoreFit(repeated, fb);
    assertClose(sa.logLikelihood, sb.logLikelihood, 1e-7, 'ℓ');
    assertClose(sa.bic, sb.bic, 1e-7, 'BIC');
    assertAllClose(fa.parameters.means, fb.parameters.means, 1e-4, 'means');
    // the budget counts Σw rows: as many starts as on the repeated rows
    expect(fa.starts.length).toBe(fb.starts.length);
  });

  it('a search subsample draws rows in proportion to weight, and keeps patterns grouped', () => {
    const n = 3000;
    const w = Float64Array.from({ length: n }, (_, i) => i % 3); // 0, 1, 2
    const data: DataMatrix = {
      values: new Float64Array(n * 2).map((_, e) => e),
      nSamples: n,
      nFeatures: 2,
      rowWeights: w,
    };
    const sub = subsampleRows(data, 30_000, 7);
    const drawn = [0, 0, 0];
    for (let i = 0; i < sub.nSamples; i++) {
      const row = sub.values[i * 2] / 2;
      drawn[row % 3] += sub.rowWeights![i];
    }
    expect(drawn[0]).toBe(0);
    expect(drawn[1] + drawn[2]).toBe(30_000);
    // weight 2 rows are drawn twice as often as weight 1 rows (binomial sd ≈ 0.8%)
    expect(drawn[2] / drawn[1]).toBeGreaterThan(1.9);
    expect(drawn[2] / drawn[1]).toBeLessThan(2.1);
    const holes = groupRowsByPattern(
      Float64Array.from({ length: 600 }, (_, e) => (e % 7 === 3 ? NaN : e)),
      200,
      3,
    ).data;
    const part = subsampleRows(holes, 50, 1);
    expect(part.missing!.starts.at(-1)).toBe(50);
    // each drawn row keeps the pattern it had in the whole matrix
    const patternAt = (m: NonNullable<DataMatrix['missing']>, i: number): string => {
      if (i < m.nComplete) return 'complete';
      let p = 0;
      while (i >= m.starts[p + 1]) p++;
      return Array.from(m.observed.subarray(p * 3, p * 3 + 3)).join('');
    };
    const rowKey = (d: DataMatrix, i: number) =>
      Array.from(d.values.subarray(i * 3, i * 3 + 3)).join();
    const source = new Map(Array.from({ length: 200 }, (_, i) => [rowKey(holes, i), i]));
    for (let i = 0; i < 50; i++) {
      const from = source.get(rowKey(part, i))!;
      expect(patternAt(part.missing!, i)).toBe(patternAt(holes.missing!, from));
    }
  });
});
