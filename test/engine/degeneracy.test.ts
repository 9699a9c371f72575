/**
 * Degenerate solutions: each structure's rule of findDegeneracy on parameters built to
 * break it (or to pass under it while another structure refuses them), and fitMixture
 * on heavily duplicated data.
 */
import { describe, expect, it } from 'vitest';
import {
  COLLAPSE_EIGENVALUE_RATIO,
  columnVariances,
  findDegeneracy,
  minimumRowsPerComponent,
} from '../../src/engine/degeneracy.js';
import { fitMixture } from '../../src/engine/search.js';
import { SKLEARN_TYPES, type CovarianceType } from '../../src/engine/types.js';
import {
  flatten,
  fromParameters,
  referenceLogLikelihood,
  symmetricEigenvalues,
  toParameters,
  toDataMatrix,
  type Matrix,
} from './reference.js';
import { GmmError } from '../../src/errors.js';

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

describe('findDegeneracy: full', () => {
  const ones = new Float64Array([1, 1]);

  it('passes a healthy mixture', () => {
    expect(findDegeneracy(twoComponents([0.5, 0.5]), 100, ones)).toBeUndefined();
  });

  it('flags a component holding at most d rows (weight · n ≤ d)', () => {
    // 0.25 · 8 = 2 = d: flagged, at the boundary
    const message = findDegeneracy(twoComponents([0.75, 0.25]), 8, ones);
    expect(message).toMatch(/component 2/);
    expect(message).toMatch(/holds only 2\.00 rows/);
    expect(message).toMatch(/a full component needs more than 2/);
    // 0.01 · 200 = 2 as well
    expect(findDegeneracy(twoComponents([0.99, 0.01]), 200, ones)).toMatch(/component 2/);
    // 0.25 · 12 = 3 > 2: not flagged
    expect(findDegeneracy(twoComponents([0.75, 0.25]), 12, ones)).toBeUndefined();
  });

  it('flags a near-singular covariance', () => {
    // eigenvalues 1 ± 0.9999999: the smallest is 1e−7, below 1e−5
    const thin = [
      [1, 0.9999999],
      [0.9999999, 1],
    ];
    expect(symmetricEigenvalues(thin)[0]).toBeLessThan(COLLAPSE_EIGENVALUE_RATIO);
    const message = findDegeneracy(twoComponents([0.5, 0.5], thin), 100, ones);
    expect(message).toMatch(/component 2 collapsed/);
    // eigenvalue 1e−3 is fine
    const narrow = [
      [1, 0.999],
      [0.999, 1],
    ];
    expect(findDegeneracy(twoComponents([0.5, 0.5], narrow), 100, ones)).toBeUndefined();
  });

  it('measures the covariance in units of each column variance', () => {
    const small = [
      [1e-6, 0],
      [0, 1],
    ];
    // against unit variances the first direction has collapsed…
    expect(findDegeneracy(twoComponents([0.5, 0.5], small), 100, ones)).toMatch(/collapsed/);
    // …but not when the first column's own variance is that small
    expect(
      findDegeneracy(twoComponents([0.5, 0.5], small), 100, new Float64Array([1e-6, 1])),
    ).toBeUndefined();
    // and a unit covariance is thin against a column whose variance is 10⁶
    expect(findDegeneracy(twoComponents([0.5, 0.5]), 100, new Float64Array([1, 1e6]))).toMatch(
      /component 1 collapsed/,
    );
  });
});

/** The same two components under another structure (covariances as given). */
function withStructure(
  covarianceType: CovarianceType,
  weights: number[],
  covariances: Matrix[],
  d = 2,
) {
  return toParameters(
    {
      weights,
      means: weights.map((_, k) => Array.from({ length: d }, () => 3 * k)),
      covariances,
    },
    covarianceType,
  );
}

describe('findDegeneracy: tied', () => {
  const ones = new Float64Array([1, 1]);
  const shared = [
    [1, 0.3],
    [0.3, 1],
  ];

  it('accepts a component holding a single row: the shared covariance bounds it', () => {
    // 0.005 · 200 = 1 row: refused under full, a legitimate tied solution
    const tied = withStructure('tied', [0.995, 0.005], [shared, shared]);
    expect(findDegeneracy(tied, 200, ones)).toBeUndefined();
    const full = withStructure('full', [0.995, 0.005], [shared, shared]);
    expect(findDegeneracy(full, 200, ones)).toMatch(/holds only 1\.00 rows/);
  });

  it('flags a singular shared covariance, once', () => {
    const thin = [
      [1, 0.9999999],
      [0.9999999, 1],
    ];
    const tied = withStructure('tied', [0.5, 0.5], [thin, thin]);
    expect(findDegeneracy(tied, 200, ones)).toMatch(/^the shared covariance collapsed/);
  });
});

describe('findDegeneracy: diag', () => {
  const ones = new Float64Array([1, 1, 1]);
  const unit = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];

  it('accepts a component of 2 rows in 3 columns (its variances are per column)', () => {
    // 0.01 · 200 = 2 rows ≤ d = 3: refused under full, bounded under diag
    const diag = withStructure('diag', [0.99, 0.01], [unit, unit], 3);
    expect(findDegeneracy(diag, 200, ones)).toBeUndefined();
    const full = withStructure('full', [0.99, 0.01], [unit, unit], 3);
    expect(findDegeneracy(full, 200, ones)).toMatch(/component 2 holds only 2\.00 rows/);
  });

  it('flags one row’s worth, and a column whose variance collapsed', () => {
    const one = withStructure('diag', [0.995, 0.005], [unit, unit], 3);
    expect(findDegeneracy(one, 200, ones)).toMatch(
      /component 2 holds only 1\.00 rows.*zero variance/,
    );
    const flat = [
      [1, 0, 0],
      [0, 1e-7, 0],
      [0, 0, 1],
    ];
    const collapsed = withStructure('diag', [0.5, 0.5], [unit, flat], 3);
    expect(findDegeneracy(collapsed, 200, ones)).toMatch(/component 2 collapsed in column 2/);
    // the same variance is fine when the column itself is that narrow
    expect(findDegeneracy(collapsed, 200, new Float64Array([1, 1e-6, 1]))).toBeUndefined();
  });
});

describe('findDegeneracy: spherical', () => {
  it('compares the single variance with the mean column variance', () => {
    const tiny = [
      [1e-6, 0],
      [0, 1e-6],
    ];
    const unit = [
      [1, 0],
      [0, 1],
    ];
    const spherical = withStructure('spherical', [0.5, 0.5], [unit, tiny]);
    // columns of variance 1 and 1: 1e−6 is below 1e−5 of their mean
    expect(findDegeneracy(spherical, 200, new Float64Array([1, 1]))).toMatch(
      /component 2 collapsed: its variance is 0\.0000010 of the data's mean column variance/,
    );
    // columns of variance 1e−6 and 1e−6: the same variance is the data's own scale
    expect(
      findDegeneracy(
        withStructure('spherical', [0.5, 0.5], [tiny, tiny]),
        200,
        new Float64Array([1e-6, 1e-6]),
      ),
    ).toBeUndefined();
    // and one row's worth is refused
    expect(
      findDegeneracy(
        withStructure('spherical', [0.995, 0.005], [unit, unit]),
        200,
        new Float64Array([1, 1]),
      ),
    ).toMatch(/holds only 1\.00 rows/);
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

/**
 * Independent check that a fit is not degenerate under its structure's rule (see
 * findDegeneracy): full needs Nₖ > d, diag and spherical Nₖ > 1, tied nothing; and no
 * variance below 1e−5 of the data's in any direction it estimates.
 */
function expectNonDegenerate(fit: ReturnType<typeof fitMixture>, rows: Matrix): void {
  const n = rows.length;
  const d = rows[0].length;
  const type = fit.parameters.covarianceType;
  const mixture = fromParameters(fit.parameters);
  const means = [0, 1].map((j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const variances = [0, 1].map((j) => rows.reduce((s, r) => s + (r[j] - means[j]) ** 2, 0) / n);
  const minimumRows = ({ full: d, tied: 0, diag: 1, spherical: 1 } as Record<string, number>)[type];
  mixture.covariances.forEach((c, k) => {
    expect(mixture.weights[k] * n).toBeGreaterThan(minimumRows);
    const normalised = c.map((row, a) =>
      row.map((v, b) => v / Math.sqrt(variances[a] * variances[b])),
    );
    expect(symmetricEigenvalues(normalised)[0]).toBeGreaterThanOrEqual(
      type === 'spherical' ? 0 : COLLAPSE_EIGENVALUE_RATIO,
    );
  });
  expect(Number.isFinite(referenceLogLikelihood(rows, mixture))).toBe(true);
}

describe('fitMixture on duplicated points', () => {
  const cases: { K: number; covarianceType: CovarianceType }[] = [];
  for (const covarianceType of SKLEARN_TYPES) {
    for (const K of [2, 4, 8]) cases.push({ K, covarianceType });
  }

  it.each(cases)('$covarianceType K=$K: a non-degenerate fit or a numeric GmmError', (c) => {
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
      expect(error).toMatchObject({ name: 'GmmError', kind: 'numeric' });
      const message = (error as GmmError).message;
      expect(message).toMatch(new RegExp(`no usable fit with K=${c.K}`));
      return;
    }
    expectNonDegenerate(fit, DUPLICATED);
    for (const start of fit.starts) {
      if (start.failure !== undefined) {
        expect(start.failure).toMatch(/component \d+|the shared covariance/);
      }
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
    expect(caught).toMatchObject({ name: 'GmmError', kind: 'numeric' });
    const error = caught as GmmError;
    expect(error.message).toMatch(/no usable fit with K=3/);
    expect(error.message).toMatch(/every one of 2 starts/);
    expect(error.message).toMatch(/collapsed/);
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

describe("findDegeneracy: mclust's other models, by what one component's rows estimate", () => {
  const ones = new Float64Array([1, 1]);
  // minimum rows by hand from each definition (d = 3): Σₖ's shape and orientation
  // both per component → d; volume or shape per component → 1; otherwise none
  const expected: Record<string, number> = {
    EII: 0,
    spherical: 1,
    EEI: 0,
    VEI: 1,
    EVI: 1,
    diag: 1,
    tied: 0,
    VEE: 1,
    EVE: 1,
    VVE: 1,
    EEV: 0,
    VEV: 1,
    EVV: 3,
    full: 3,
  };
  it.each(Object.entries(expected))('%s needs more than %i rows per component', (type, rows) => {
    expect(minimumRowsPerComponent(type as CovarianceType, 3)).toBe(rows);
  });

  it('a one-row component: refused under VEI (its λₖ comes from its rows), kept under EEV', () => {
    // 0.005 · 200 = 1 row's worth; both components well-spread
    const parameters = (covarianceType: CovarianceType) => ({
      ...twoComponents([0.995, 0.005]),
      covarianceType,
    });
    expect(findDegeneracy(parameters('VEI'), 200, ones)).toMatch(
      /component 2 holds only 1\.00 rows \(a VEI component needs more than 1: one row gives zero variance\)/,
    );
    expect(findDegeneracy(parameters('EVE'), 200, ones)).toMatch(
      /one row gives a zero in its shape/,
    );
    expect(findDegeneracy(parameters('EEV'), 200, ones)).toBeUndefined();
  });

  it('collapse: the column rule for EEI, the eigenvalue rule for EEV', () => {
    const thin: Matrix = [
      [1e-6, 0],
      [0, 1],
    ];
    const rotatedThin: Matrix = [
      [0.5, 0.5 - 1e-6],
      [0.5 - 1e-6, 0.5],
    ];
    const eei = { ...twoComponents([0.5, 0.5], thin), covarianceType: 'EEI' as CovarianceType };
    expect(findDegeneracy(eei, 200, ones)).toMatch(/component 2 collapsed in column 1/);
    const eev = {
      ...twoComponents([0.5, 0.5], rotatedThin),
      covarianceType: 'EEV' as CovarianceType,
    };
    expect(findDegeneracy(eev, 200, ones)).toMatch(
      /component 2 collapsed: its covariance has an eigenvalue/,
    );
  });
});
