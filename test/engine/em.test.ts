/**
 * fitMixture: properties of the EM runs (monotone ℓ, normalised memberships, segment
 * order, determinism), the returned ℓ re-computed by the reference, the closed-form
 * one-component MLE, and one reference EM step from the returned fixed point.
 */
import { describe, expect, it } from 'vitest';
import type { EmSettings, StartRun } from '../../src/engine/em.js';
import { fitMixture, mixtureFit, type CellSearch } from '../../src/engine/search.js';
import { predictMemberships } from '../../src/engine/predict.js';
import { Random } from '../../src/engine/random.js';
import { scoreFit } from '../../src/engine/select-model.js';
import {
  SKLEARN_TYPES,
  INIT_METHODS,
  startMethod,
  type CovarianceType,
} from '../../src/engine/types.js';
import {
  assertAllClose,
  assertClose,
  bytes,
  fromParameters,
  randomRows,
  referenceEStep,
  referenceLogLikelihood,
  referenceMStep,
  sampleMixture,
  toDataMatrix,
  toParameters,
  type Matrix,
  type ReferenceMixture,
} from './reference.js';

const TRUTH: ReferenceMixture = {
  weights: [0.45, 0.35, 0.2],
  means: [
    [0, 0],
    [4, 1],
    [1, 4.5],
  ],
  covariances: [
    [
      [1, 0.5],
      [0.5, 1],
    ],
    [
      [0.6, -0.2],
      [-0.2, 0.8],
    ],
    [
      [0.7, 0],
      [0, 0.4],
    ],
  ],
};

const ROWS: Matrix = sampleMixture(new Random(31337), TRUTH, 400).rows;
const DATA = toDataMatrix(ROWS);

function settings(overrides: Partial<EmSettings>): EmSettings {
  return {
    nComponents: 3,
    covarianceType: 'full',
    init: 'kmeans++',
    nInit: 2,
    maxIter: 500,
    tol: 1e-10,
    regCovar: 1e-6,
    seed: 7,
    ...overrides,
  };
}

/** ℓ after each step is at least the one before, up to a relative 1e-10 of rounding. */
function expectNonDecreasing(trajectory: number[]): void {
  for (let t = 1; t < trajectory.length; t++) {
    const slack = 1e-10 * Math.abs(trajectory[t - 1]);
    if (!(trajectory[t] >= trajectory[t - 1] - slack)) {
      throw new Error(`ℓ decreased at iteration ${t + 1}: ${trajectory[t - 1]} → ${trajectory[t]}`);
    }
  }
}

const GRID: { covarianceType: CovarianceType; init: (typeof INIT_METHODS)[number] }[] = [];
for (const covarianceType of SKLEARN_TYPES) {
  for (const init of INIT_METHODS) GRID.push({ covarianceType, init });
}

describe('fitMixture properties', () => {
  it.each(GRID)('$covarianceType, init $init', ({ covarianceType, init }) => {
    const s = settings({ covarianceType, init, nInit: 3 });
    const fit = fitMixture(DATA, s);
    const { parameters } = fit;
    const K = 3;

    expect(fit.converged).toBe(true);
    expect(fit.trajectory.length).toBe(fit.iterations);
    expect(fit.trajectory.length).toBeGreaterThan(1);
    expectNonDecreasing(fit.trajectory);
    expect(fit.logLikelihood).toBe(fit.trajectory[fit.trajectory.length - 1]);
    // the stopping rule: the last (plain EM) step gained less than tol per row
    const last = fit.trajectory[fit.trajectory.length - 1];
    const previous = fit.trajectory[fit.trajectory.length - 2];
    expect((last - previous) / ROWS.length).toBeLessThan(s.tol);
    expect(fit.starts.length).toBe(3);
    expect(fit.bestStart).toBeGreaterThanOrEqual(0);
    expect(fit.bestStart).toBeLessThan(3);
    // the search ends at least as high as every short run from a start
    for (const start of fit.starts) {
      if (start.failure === undefined && start.logLikelihood !== undefined) {
        expect(start.logLikelihood).toBeLessThanOrEqual(fit.logLikelihood);
      }
    }

    // the returned parameters are the ones whose ℓ ends the trajectory
    const mixture = fromParameters(parameters);
    const reference = referenceEStep(ROWS, mixture);
    assertClose(fit.logLikelihood, reference.logLikelihood, 1e-9, 'ℓ of returned parameters');

    // segment order: largest weight first
    for (let k = 1; k < K; k++) {
      expect(parameters.weights[k - 1]).toBeGreaterThanOrEqual(parameters.weights[k]);
    }
    let weightTotal = 0;
    for (const w of parameters.weights) weightTotal += w;
    expect(weightTotal).toBeCloseTo(1, 12);

    // the structure's constraint holds
    const c = mixture.covariances;
    for (let k = 0; k < K; k++) {
      if (covarianceType === 'tied') expect(c[k]).toEqual(c[0]);
      if (covarianceType === 'diag' || covarianceType === 'spherical') {
        expect(c[k][0][1]).toBe(0);
        expect(c[k][1][0]).toBe(0);
      }
      if (covarianceType === 'spherical') expect(c[k][0][0]).toBe(c[k][1][1]);
    }

    // memberships of the fit sum to 1 per row
    const memberships = predictMemberships(DATA, parameters);
    for (let i = 0; i < ROWS.length; i++) {
      let s2 = 0;
      for (let k = 0; k < K; k++) s2 += memberships.resp[i * K + k];
      expect(Math.abs(s2 - 1)).toBeLessThan(1e-12);
    }
    assertAllClose(memberships.resp, reference.resp.flat(), 1e-9, 'memberships');

    // a converged fit is (nearly) a fixed point: one more reference EM step from it
    // does not lower ℓ and gains at most a few times the tolerance
    const next = referenceMStep(ROWS, reference.resp, covarianceType, s.regCovar);
    const gain = referenceLogLikelihood(ROWS, next) - reference.logLikelihood;
    expect(gain).toBeGreaterThanOrEqual(-1e-9 * Math.abs(reference.logLikelihood));
    expect(gain).toBeLessThan(10 * s.tol * ROWS.length);
  });

  it('the same seed gives a bitwise identical fit', () => {
    for (const init of INIT_METHODS) {
      const a = fitMixture(DATA, settings({ init, seed: 99, covarianceType: 'full' }));
      const b = fitMixture(DATA, settings({ init, seed: 99, covarianceType: 'full' }));
      expect(bytes(b.parameters.weights)).toEqual(bytes(a.parameters.weights));
      expect(bytes(b.parameters.means)).toEqual(bytes(a.parameters.means));
      expect(bytes(b.parameters.covariances)).toEqual(bytes(a.parameters.covariances));
      expect(b.trajectory).toEqual(a.trajectory);
      expect(Object.is(b.logLikelihood, a.logLikelihood)).toBe(true);
      expect(b.bestStart).toBe(a.bestStart);
    }
  });

  it('different seeds start differently and both converge', () => {
    const a = fitMixture(DATA, settings({ init: 'random', nInit: 1, seed: 1 }));
    const b = fitMixture(DATA, settings({ init: 'random', nInit: 1, seed: 2 }));
    // random memberships from different streams: the first E-step's ℓ differs
    expect(a.trajectory[0]).not.toBe(b.trajectory[0]);
    for (const fit of [a, b]) {
      expect(fit.converged).toBe(true);
      expectNonDecreasing(fit.trajectory);
    }
    // on well-separated data both find the same optimum
    assertClose(a.logLikelihood, b.logLikelihood, 1e-6);
  });

  // Seeds 0 and 1 once ran the same starts in swapped order (see random.test.ts).
  // Unstructured data, where different starts end in different local optima:
  const startOutcomes = (seed: number) => {
    const blob = toDataMatrix(randomRows(new Random(5), 300, 2));
    return fitMixture(
      blob,
      settings({ nComponents: 4, init: 'kmeans++', nInit: 2, tol: 1e-6, seed }),
    )
      .starts.map((start) => `${start.logLikelihood}/${start.iterations}`)
      .sort();
  };

  it('seeds 0 and 2 run different starts (kmeans++, two starts)', () => {
    expect(startOutcomes(2)).not.toEqual(startOutcomes(0));
  });

  it('seeds 0 and 1 run different starts (kmeans++, two starts)', () => {
    expect(startOutcomes(1)).not.toEqual(startOutcomes(0));
  });

  it('fits at least as well as the parameters the data were drawn from', () => {
    const fit = fitMixture(DATA, settings({ nInit: 3 }));
    expect(fit.logLikelihood).toBeGreaterThan(referenceLogLikelihood(ROWS, TRUTH));
  });

  it('stops at maxIter without claiming convergence', () => {
    const fit = fitMixture(DATA, settings({ init: 'random', nInit: 1, maxIter: 3, tol: 1e-12 }));
    expect(fit.iterations).toBe(3);
    expect(fit.trajectory.length).toBe(3);
    expect(fit.converged).toBe(false);
    expectNonDecreasing(fit.trajectory);
  });

  it('the mixed init cycles random-from-data, kmeans++, random-from-data, random', () => {
    expect([0, 1, 2, 3, 4].map((s) => startMethod('mixed', s))).toEqual([
      'random-from-data',
      'kmeans++',
      'random-from-data',
      'random',
      'random-from-data',
    ]);
    expect(startMethod('random', 4)).toBe('random');
  });
});

describe('one component: the closed-form Gaussian MLE', () => {
  const random = new Random(4242);
  const rows1d = Array.from({ length: 500 }, () => [3 + 2 * random.nextNormal()]);
  const n = rows1d.length;
  const mean = rows1d.reduce((s, [x]) => s + x, 0) / n;
  const variance = rows1d.reduce((s, [x]) => s + (x - mean) ** 2, 0) / n;
  const closedForm = (-n / 2) * (Math.log(2 * Math.PI * variance) + 1);

  it('d = 1: every structure gives −n/2 (log 2πσ̂² + 1), the same ℓ and the same BIC', () => {
    const bics: number[] = [];
    for (const covarianceType of SKLEARN_TYPES) {
      const data = toDataMatrix(rows1d);
      const fit = fitMixture(data, settings({ nComponents: 1, covarianceType, regCovar: 1e-10 }));
      const criteria = scoreFit(data, fit);
      assertClose(fit.logLikelihood, closedForm, 1e-6, `${covarianceType} ℓ`);
      assertClose(criteria.logLikelihood, closedForm, 1e-6, `${covarianceType} ℓ`);
      assertClose(fit.parameters.means[0], mean, 1e-9, 'mean');
      assertClose(fit.parameters.covariances[0], variance, 1e-8, 'variance');
      // one mean and one variance
      expect(criteria.nParameters).toBe(2);
      assertClose(criteria.bic, -2 * closedForm + 2 * Math.log(n), 1e-6, 'BIC');
      bics.push(criteria.bic);
    }
    for (const bic of bics) assertClose(bic, bics[0], 1e-9, 'BIC across structures');
  });

  it('d = 3, full: the sample mean and the population covariance (+ reg)', () => {
    const rows = Array.from({ length: 300 }, () => {
      const z = [random.nextNormal(), random.nextNormal(), random.nextNormal()];
      return [1 + z[0], -2 + 0.5 * z[0] + z[1], 0.3 * z[2]];
    });
    const m = [0, 1, 2].map((j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
    const cov = [0, 1, 2].map((a) =>
      [0, 1, 2].map(
        (b) =>
          rows.reduce((s, r) => s + (r[a] - m[a]) * (r[b] - m[b]), 0) / rows.length +
          (a === b ? 1e-6 : 0),
      ),
    );
    const fit = fitMixture(toDataMatrix(rows), settings({ nComponents: 1 }));
    assertAllClose(fit.parameters.means, m, 1e-10, 'mean');
    assertAllClose(fit.parameters.covariances, cov.flat(), 1e-10, 'covariance');
    expect(fit.parameters.weights[0]).toBeCloseTo(1, 14);
  });
});

describe('mixtureFit', () => {
  const small = (weights: number[]) =>
    toParameters(
      {
        weights,
        means: weights.map((_, k) => [k]),
        covariances: weights.map(() => [[1]]),
      },
      'full',
    );
  const run = (start: number, ell: number | undefined, failure?: string): StartRun => ({
    start,
    parameters: ell === undefined ? undefined : small([0.3, 0.7]),
    trajectory: ell === undefined ? [] : [ell - 5, ell - 1, ell],
    converged: ell !== undefined,
    failure,
  });
  const s2 = settings({ nComponents: 2, nInit: 4 });
  const search = (failure?: string): CellSearch => ({
    solutions: [],
    starts: [],
    moves: 0,
    failure,
  });

  it('keeps the usable run with the highest ℓ, components largest first', () => {
    const fit = mixtureFit(s2, search(), [
      run(0, -100),
      run(1, -50, 'component 1 collapsed'),
      run(2, -80),
      run(3, undefined, 'the covariance of component 2 is singular'),
    ]);
    expect(fit.bestStart).toBe(2);
    expect(fit.logLikelihood).toBe(-80);
    expect(fit.trajectory).toEqual([-85, -81, -80]);
    expect(fit.iterations).toBe(3);
    expect(Array.from(fit.parameters.weights)).toEqual([0.7, 0.3]);
    expect(Array.from(fit.parameters.means)).toEqual([1, 0]);
  });

  it('on equal ℓ the earliest start wins, whatever order the runs come in', () => {
    const fit = mixtureFit(s2, search(), [run(3, -10), run(1, -10), run(2, -20), run(0, -30)]);
    expect(fit.bestStart).toBe(1);
  });

  it('throws a numeric GmmError with the reason when no run is usable', () => {
    let caught: unknown;
    try {
      mixtureFit(s2, search('every one of 4 starts collapsed (component 1 collapsed)'), [
        run(0, -1, 'component 1 collapsed'),
        run(1, undefined, 'singular'),
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'GmmError', kind: 'numeric' });
    expect((caught as Error).message).toMatch(/no usable fit with K=2/);
    expect((caught as Error).message).toMatch(/every one of 4 starts collapsed/);
  });
});
