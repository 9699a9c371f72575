/** Collapsed components: findCollapse by hand, and fitMixture on heavily duplicated data. */
import { describe, expect, it } from 'vitest';
import {
  COLLAPSE_EIGENVALUE_RATIO,
  columnVariances,
  findCollapse,
} from '../../src/engine/collapse.js';
import { fitMixture } from '../../src/engine/em.js';
import { NumericError } from '../../src/engine/numeric-error.js';
import { COVARIANCE_TYPES, type CovarianceType } from '../../src/engine/types.js';
import {
  flatten,
  fromParameters,
  referenceLogLikelihood,
  symmetricEigenvalues,
  toParameters,
  toDataMatrix,
  type Matrix,
} from './reference.js';

const IDENTITY_2: Matrix = [
  [1, 0],
  [0, 1],
];

function twoComponents(weights: number[], second: Matrix = IDENTITY_2) {
  return toParameters(
    {
      weights,
      means: [
        [0, 0],
        [3, 3],
      ],
      covariances: [IDENTITY_2, second],
    },
    'full',
  );
}

describe('columnVariances', () => {
  it('population variance per column, by hand', () => {
    // columns (1, 2, 3, 6) and (0, 0, 4, 4): means 3 and 2, variances 14/4 and 4
    const values = flatten([
      [1, 0],
      [2, 0],
      [3, 4],
      [6, 4],
    ]);
    expect(Array.from(columnVariances(values, 4, 2))).toEqual([3.5, 4]);
  });
});

describe('findCollapse', () => {
  const ones = new Float64Array([1, 1]);

  it('passes a healthy mixture', () => {
    expect(findCollapse(twoComponents([0.5, 0.5]), 100, ones)).toBeUndefined();
  });

  it('flags a component holding at most d rows (weight · n ≤ d)', () => {
    // 0.25 · 8 = 2 = d: flagged, at the boundary
    const message = findCollapse(twoComponents([0.75, 0.25]), 8, ones);
    expect(message).toMatch(/component 2/);
    expect(message).toMatch(/holds only 2\.00 rows/);
    // 0.01 · 200 = 2 as well
    expect(findCollapse(twoComponents([0.99, 0.01]), 200, ones)).toMatch(/component 2/);
    // 0.25 · 12 = 3 > 2: not flagged
    expect(findCollapse(twoComponents([0.75, 0.25]), 12, ones)).toBeUndefined();
    // in d = 3 the same 3 rows are not enough
    const three = toParameters(
      {
        weights: [0.75, 0.25],
        means: [
          [0, 0, 0],
          [1, 1, 1],
        ],
        covariances: [0, 1].map(() => [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ]),
      },
      'diag',
    );
    expect(findCollapse(three, 12, new Float64Array([1, 1, 1]))).toMatch(/component 2/);
  });

  it('flags a near-singular covariance', () => {
    // eigenvalues 1 ± 0.9999999: the smallest is 1e−7, below 1e−5
    const thin = [
      [1, 0.9999999],
      [0.9999999, 1],
    ];
    expect(symmetricEigenvalues(thin)[0]).toBeLessThan(COLLAPSE_EIGENVALUE_RATIO);
    const message = findCollapse(twoComponents([0.5, 0.5], thin), 100, ones);
    expect(message).toMatch(/component 2 collapsed/);
    // eigenvalue 1e−3 is fine
    const narrow = [
      [1, 0.999],
      [0.999, 1],
    ];
    expect(findCollapse(twoComponents([0.5, 0.5], narrow), 100, ones)).toBeUndefined();
  });

  it('measures the covariance in units of each column variance', () => {
    const small = [
      [1e-6, 0],
      [0, 1],
    ];
    // against unit variances the first direction has collapsed…
    expect(findCollapse(twoComponents([0.5, 0.5], small), 100, ones)).toMatch(/collapsed/);
    // …but not when the first column's own variance is that small
    expect(
      findCollapse(twoComponents([0.5, 0.5], small), 100, new Float64Array([1e-6, 1])),
    ).toBeUndefined();
    // and a unit covariance is thin against a column whose variance is 10⁶
    expect(findCollapse(twoComponents([0.5, 0.5]), 100, new Float64Array([1, 1e6]))).toMatch(
      /component 1 collapsed/,
    );
  });
});

/** Five distinct points in general position, each repeated 20 times. */
const POINTS = [
  [0, 0],
  [3, 1],
  [1, 4],
  [5, 5],
  [-2, 3],
];
const DUPLICATED: Matrix = Array.from({ length: 100 }, (_, i) => [...POINTS[i % 5]]);

/** Independent check that a fit is not degenerate: Nₖ > d and no thin direction. */
function expectNonDegenerate(fit: ReturnType<typeof fitMixture>, rows: Matrix): void {
  const n = rows.length;
  const d = rows[0].length;
  const mixture = fromParameters(fit.parameters);
  const means = [0, 1].map((j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const variances = [0, 1].map((j) => rows.reduce((s, r) => s + (r[j] - means[j]) ** 2, 0) / n);
  mixture.covariances.forEach((c, k) => {
    expect(mixture.weights[k] * n).toBeGreaterThan(d);
    const normalised = c.map((row, a) =>
      row.map((v, b) => v / Math.sqrt(variances[a] * variances[b])),
    );
    expect(symmetricEigenvalues(normalised)[0]).toBeGreaterThanOrEqual(COLLAPSE_EIGENVALUE_RATIO);
  });
  expect(Number.isFinite(referenceLogLikelihood(rows, mixture))).toBe(true);
}

describe('fitMixture on duplicated points', () => {
  const cases: { K: number; covarianceType: CovarianceType }[] = [];
  for (const covarianceType of COVARIANCE_TYPES) {
    for (const K of [2, 4, 8]) cases.push({ K, covarianceType });
  }

  it.each(cases)('$covarianceType K=$K: a non-degenerate fit or a NumericError', (c) => {
    let fit: ReturnType<typeof fitMixture> | undefined;
    try {
      fit = fitMixture(toDataMatrix(DUPLICATED), {
        nComponents: c.K,
        covarianceType: c.covarianceType,
        init: 'mixed',
        nInit: 3,
        maxIter: 200,
        tol: 1e-6,
        regCovar: 1e-6,
        seed: 5,
      });
    } catch (error) {
      expect(error).toBeInstanceOf(NumericError);
      const message = (error as NumericError).message;
      expect(message).toMatch(new RegExp(`no usable fit with K=${c.K}`));
      expect((error as NumericError).hint).toBeTruthy();
      return;
    }
    expectNonDegenerate(fit, DUPLICATED);
    for (const start of fit.starts) {
      if (start.failure !== undefined) expect(start.failure).toMatch(/component \d+/);
    }
  });

  it('one component per distinct point: every start collapses, and the error says why', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [...POINTS[i % 3]]);
    let caught: unknown;
    try {
      fitMixture(toDataMatrix(rows), {
        nComponents: 3,
        covarianceType: 'full',
        init: 'kmeans++',
        nInit: 2,
        maxIter: 50,
        tol: 1e-6,
        regCovar: 1e-6,
        seed: 1,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NumericError);
    const error = caught as NumericError;
    expect(error.message).toMatch(/no usable fit with K=3/);
    expect(error.message).toMatch(/every one of 2 starts/);
    expect(error.message).toMatch(/collapsed/);
    expect(error.hint).toMatch(/--reg-covar/);
  });

  it('a fit on enough distinct points in the same data is accepted', () => {
    // the 5 points jittered into small clouds: K = 2 is an ordinary fit
    const rows = DUPLICATED.map((p, i) => [
      p[0] + 0.3 * Math.sin(i * 1.7),
      p[1] + 0.3 * Math.cos(i * 2.3),
    ]);
    const fit = fitMixture(toDataMatrix(rows), {
      nComponents: 2,
      covarianceType: 'full',
      init: 'kmeans++',
      nInit: 2,
      maxIter: 200,
      tol: 1e-6,
      regCovar: 1e-6,
      seed: 2,
    });
    expectNonDegenerate(fit, rows);
  });
});
