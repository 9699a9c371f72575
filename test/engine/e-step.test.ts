/**
 * Log-densities and the E-step (precision factors, expectationStep, predictMemberships)
 * against the naive reference: densities from the textbook formula with an explicit
 * inverse and determinant, responsibilities as direct ratios.
 */
import { describe, expect, it } from 'vitest';
import { createResponsibilitySums, expectationStep } from '../../src/engine/e-step.js';
import { computePrecisionFactors } from '../../src/engine/precision.js';
import { predictMemberships } from '../../src/engine/predict.js';
import { Random } from '../../src/engine/random.js';
import { SKLEARN_TYPES, type MixtureParameters } from '../../src/engine/types.js';
import {
  assertAllClose,
  assertClose,
  determinant,
  gaussianDensity,
  gaussianLogDensity,
  inverse,
  randomMixture,
  randomRows,
  referenceEStep,
  toDataMatrix,
  toParameters,
  unflatten,
  type ReferenceMixture,
} from './reference.js';

/** 26 and 34 reach the kernels beyond the unrolled ones (full: blocked beyond d = 24; tied: loops beyond 32). */
const DIMENSIONS = [1, 2, 3, 5, 26, 34];
const COMPONENT_COUNTS = [1, 2, 3, 4];
const N = 30;

interface Case {
  readonly name: string;
  readonly mixture: ReferenceMixture;
  readonly parameters: MixtureParameters;
  readonly rows: number[][];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const covarianceType of SKLEARN_TYPES) {
    for (const d of DIMENSIONS) {
      for (const K of d > 5 ? [3] : COMPONENT_COUNTS) {
        const random = new Random(2024, d, K, SKLEARN_TYPES.indexOf(covarianceType));
        const mixture = randomMixture(random, K, d, covarianceType);
        out.push({
          name: `${covarianceType} d=${d} K=${K}`,
          mixture,
          parameters: toParameters(mixture, covarianceType),
          rows: randomRows(random, N, d),
        });
      }
    }
  }
  return out;
}

const CASES = cases();

describe('computePrecisionFactors', () => {
  it.each(CASES)('$name: Wᵀ W = Σ⁻¹, W lower triangular, log norms', (c) => {
    const { parameters, mixture } = c;
    const { nComponents: K, nFeatures: d } = parameters;
    const factors = computePrecisionFactors(parameters);
    for (let k = 0; k < K; k++) {
      const w = unflatten(factors.invChol.subarray(k * d * d, (k + 1) * d * d), d, d);
      for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) expect(w[a][b]).toBe(0);
      // WᵀW
      const wtw = Array.from({ length: d }, (_, a) =>
        Array.from({ length: d }, (_, b) => {
          let s = 0;
          for (let j = 0; j < d; j++) s += w[j][a] * w[j][b];
          return s;
        }),
      );
      assertAllClose(wtw.flat(), inverse(mixture.covariances[k]).flat(), 1e-10, `${c.name} WᵀW`);
      const expectedLogNorm =
        -0.5 * Math.log(Math.pow(2 * Math.PI, d) * determinant(mixture.covariances[k]));
      assertClose(factors.logNorm[k], expectedLogNorm, 1e-12, `${c.name} logNorm`);
      assertClose(
        factors.logWeightedNorm[k],
        expectedLogNorm + Math.log(mixture.weights[k]),
        1e-12,
        `${c.name} logWeightedNorm`,
      );
    }
  });

  it('throws a numeric GmmError naming the component whose covariance is not positive definite', () => {
    const parameters = toParameters(
      {
        weights: [0.5, 0.5],
        means: [
          [0, 0],
          [1, 1],
        ],
        covariances: [
          [
            [1, 0],
            [0, 1],
          ],
          [
            [1, 2],
            [2, 1],
          ],
        ],
      },
      'full',
    );
    expect(() => computePrecisionFactors(parameters)).toThrow(
      expect.objectContaining({ kind: 'numeric' }),
    );
    expect(() => computePrecisionFactors(parameters)).toThrow(/component 2/);
  });
});

describe('expectationStep against the reference', () => {
  it.each(CASES)('$name', (c) => {
    const { parameters, mixture, rows } = c;
    const K = parameters.nComponents;
    const d = parameters.nFeatures;
    const data = toDataMatrix(rows);
    const expected = referenceEStep(rows, mixture);

    const resp = new Float64Array(N * K);
    const sums = createResponsibilitySums(K, d);
    const logDensity = new Float64Array(N);
    const logLikelihood = expectationStep(data, computePrecisionFactors(parameters), resp, sums, {
      logDensity,
    });

    assertClose(logLikelihood, expected.logLikelihood, 1e-10, `${c.name} ℓ`);
    // ℓ = Σᵢ log Σₖ πₖ N(xᵢ | μₖ, Σₖ), summed here from the per-row densities
    let direct = 0;
    for (const x of rows) {
      let p = 0;
      for (let k = 0; k < K; k++) {
        p += mixture.weights[k] * gaussianDensity(x, mixture.means[k], mixture.covariances[k]);
      }
      direct += Math.log(p);
    }
    assertClose(logLikelihood, direct, 1e-10, `${c.name} ℓ (direct)`);
    assertAllClose(logDensity, expected.logDensity, 1e-10, `${c.name} logDensity`);
    assertAllClose(resp, expected.resp.flat(), 1e-10, `${c.name} resp`);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        expect(resp[i * K + k]).toBeGreaterThanOrEqual(0);
        s += resp[i * K + k];
      }
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    }
    // the sums the M-step needs: Σᵢ rᵢₖ and Σᵢ rᵢₖ xᵢ
    for (let k = 0; k < K; k++) {
      const nk = expected.resp.reduce((s, r) => s + r[k], 0);
      assertClose(sums.nk[k], nk, 1e-10, `${c.name} nk`);
      for (let j = 0; j < d; j++) {
        const sx = expected.resp.reduce((s, r, i) => s + r[k] * rows[i][j], 0);
        assertClose(sums.weightedSums[k * d + j], sx, 1e-10, `${c.name} Σ r x`);
      }
    }
  });

  it('zeroes the sums it is given before gathering', () => {
    const { parameters, rows } = CASES.find((c) => c.name === 'full d=2 K=3')!;
    const sums = createResponsibilitySums(3, 2);
    sums.nk.fill(1e6);
    sums.weightedSums.fill(-1e6);
    const resp = new Float64Array(N * 3);
    expectationStep(toDataMatrix(rows), computePrecisionFactors(parameters), resp, sums);
    let total = 0;
    for (let k = 0; k < 3; k++) total += sums.nk[k];
    // the responsibilities of N rows sum to N
    expect(total).toBeCloseTo(N, 10);
  });

  it('a component of weight 0 gets responsibility 0 and does not change ℓ', () => {
    const two: ReferenceMixture = {
      weights: [0.4, 0.6],
      means: [[-1], [2]],
      covariances: [[[1]], [[0.5]]],
    };
    const three: ReferenceMixture = {
      weights: [0.4, 0, 0.6],
      means: [[-1], [0], [2]],
      covariances: [[[1]], [[1]], [[0.5]]],
    };
    const rows = [[-2], [0], [0.5], [3]];
    const resp = new Float64Array(rows.length * 3);
    const logLikelihood = expectationStep(
      toDataMatrix(rows),
      computePrecisionFactors(toParameters(three, 'full')),
      resp,
    );
    const expected = referenceEStep(rows, two);
    assertClose(logLikelihood, expected.logLikelihood, 1e-12);
    for (let i = 0; i < rows.length; i++) {
      expect(resp[i * 3 + 1]).toBe(0);
      assertClose(resp[i * 3], expected.resp[i][0], 1e-12);
      assertClose(resp[i * 3 + 2], expected.resp[i][1], 1e-12);
    }
  });
});

describe('ℓ over many rows (the kernels take the log of a product of row sums)', () => {
  // K equal components of weight 1/K: every row's sum of exp(Tₖ − max) is K, so the
  // product passes 1e200 after ~220 rows and is taken to log several times. ℓ must still
  // be Σᵢ log N(xᵢ | μ, Σ), the one component's log density, whatever K.
  it.each(SKLEARN_TYPES.flatMap((type) => [2, 26].map((d) => [type, d] as const)))(
    '%s d=%i, K=8 equal components, 1000 rows',
    (covarianceType, d) => {
      const random = new Random(77, d, SKLEARN_TYPES.indexOf(covarianceType));
      const one = randomMixture(random, 1, d, covarianceType);
      const K = 8;
      const equal: ReferenceMixture = {
        weights: Array<number>(K).fill(1 / K),
        means: Array.from({ length: K }, () => one.means[0]),
        covariances: Array.from({ length: K }, () => one.covariances[0]),
      };
      const rows = randomRows(random, 1000, d);
      const logLikelihood = expectationStep(
        toDataMatrix(rows),
        computePrecisionFactors(toParameters(equal, covarianceType)),
        null,
        createResponsibilitySums(K, d),
      );
      const expected = rows.reduce(
        (sum, x) => sum + gaussianLogDensity(x, one.means[0], one.covariances[0]),
        0,
      );
      assertClose(logLikelihood, expected, 1e-10, `${covarianceType} d=${d} ℓ`);
    },
  );
});

describe('rows far from every component (log-sum-exp)', () => {
  it('1-D, x = 1000, unit variances: responsibilities and log density by hand', () => {
    const mixture: ReferenceMixture = {
      weights: [0.3, 0.7],
      means: [[0], [0.002]],
      covariances: [[[1]], [[1]]],
    };
    // The densities themselves underflow: the naive ratio would be 0/0.
    expect(gaussianDensity([1000], [0], [[1]])).toBe(0);
    // t₁ = log 0.3 − ½ log 2π − ½·1000², t₂ − t₁ = log(7/3) + ½(1000² − 999.998²)
    //    = log(7/3) + ½(4 − 4e−6)
    const t1 = Math.log(0.3) - 0.5 * Math.log(2 * Math.PI) - 0.5 * 1e6;
    const gap = Math.log(7 / 3) + 0.5 * (4 - 4e-6);
    const r1 = 1 / (1 + Math.exp(gap));
    const expectedLogDensity = t1 + Math.log1p(Math.exp(gap));

    const memberships = predictMemberships(toDataMatrix([[1000]]), toParameters(mixture, 'full'));
    expect(Number.isFinite(memberships.logLikelihood)).toBe(true);
    assertClose(memberships.resp[0], r1, 1e-8, 'r₁');
    assertClose(memberships.resp[1], 1 - r1, 1e-8, 'r₂');
    expect(Math.abs(memberships.resp[0] + memberships.resp[1] - 1)).toBeLessThan(1e-14);
    assertClose(memberships.logDensity[0], expectedLogDensity, 1e-12, 'log density');
    assertClose(memberships.logLikelihood, expectedLogDensity, 1e-12, 'ℓ');
    expect(memberships.labels[0]).toBe(1);
  });

  it('3-D, x = (1000, 1000, 1000): the nearer component takes everything', () => {
    const mixture: ReferenceMixture = {
      weights: [0.5, 0.5],
      means: [
        [0, 0, 0],
        [1, 0, 0],
      ],
      covariances: [
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      ],
    };
    for (const covarianceType of SKLEARN_TYPES) {
      const memberships = predictMemberships(
        toDataMatrix([[1000, 1000, 1000]]),
        toParameters(mixture, covarianceType),
      );
      // t₂ − t₁ = ½(3·10⁶ − (999² + 2·10⁶)) = 999.5, so r₁ = 1/(1 + e^999.5) ≈ 0
      const t2 = Math.log(0.5) - 1.5 * Math.log(2 * Math.PI) - 0.5 * (999 * 999 + 2e6);
      expect(memberships.resp[0]).toBeLessThan(1e-300);
      expect(memberships.resp[1]).toBeCloseTo(1, 15);
      assertClose(memberships.logDensity[0], t2, 1e-12, covarianceType);
    }
  });

  it('2-D correlated covariance, x = (1000, −1000): log density by hand', () => {
    // Σ = [[1, .5], [.5, 1]], |Σ| = 0.75, Σ⁻¹ = [[1, −.5], [−.5, 1]] / 0.75,
    // q = (10⁶ + 10⁶ + 10⁶) / 0.75 = 4·10⁶
    const mixture: ReferenceMixture = {
      weights: [1],
      means: [[0, 0]],
      covariances: [
        [
          [1, 0.5],
          [0.5, 1],
        ],
      ],
    };
    const expected = -Math.log(2 * Math.PI) - 0.5 * Math.log(0.75) - 2e6;
    const memberships = predictMemberships(
      toDataMatrix([[1000, -1000]]),
      toParameters(mixture, 'full'),
    );
    expect(memberships.resp[0]).toBe(1);
    assertClose(memberships.logDensity[0], expected, 1e-12);
    assertClose(
      memberships.logDensity[0],
      gaussianLogDensity([1000, -1000], [0, 0], mixture.covariances[0]),
      1e-12,
    );
  });
});

describe('predictMemberships against the reference', () => {
  it.each(CASES.filter((c) => c.parameters.nComponents > 1))('$name', (c) => {
    const K = c.parameters.nComponents;
    const expected = referenceEStep(c.rows, c.mixture);
    const memberships = predictMemberships(toDataMatrix(c.rows), c.parameters);
    assertClose(memberships.logLikelihood, expected.logLikelihood, 1e-10, 'ℓ');
    assertAllClose(memberships.logDensity, expected.logDensity, 1e-10, 'logDensity');
    assertAllClose(memberships.resp, expected.resp.flat(), 1e-10, 'resp');
    for (let i = 0; i < N; i++) {
      const r = expected.resp[i];
      const best = r.indexOf(Math.max(...r));
      // skip rows whose two largest memberships are too close to call
      const sorted = [...r].sort((a, b) => b - a);
      if (sorted[0] - sorted[1] > 1e-9) expect(memberships.labels[i]).toBe(best);
      assertClose(memberships.certainty[i], r[best], 1e-10, 'certainty');
      expect(memberships.labels[i]).toBeGreaterThanOrEqual(0);
      expect(memberships.labels[i]).toBeLessThan(K);
    }
  });

  it('breaks ties to the first component', () => {
    const mixture: ReferenceMixture = {
      weights: [0.5, 0.5],
      means: [[-1], [1]],
      covariances: [[[1]], [[1]]],
    };
    const memberships = predictMemberships(toDataMatrix([[0]]), toParameters(mixture, 'full'));
    expect(memberships.resp[0]).toBe(0.5);
    expect(memberships.labels[0]).toBe(0);
    expect(memberships.certainty[0]).toBe(0.5);
  });
});
