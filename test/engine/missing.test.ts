/**
 * Missing cells inside EM: the engine's marginal ℓ, E-step and M-step on rows grouped
 * by pattern, against a naive reference written here from the covariance form
 * (Σ_oo⁻¹ by explicit inversion; the engine works from the precision), plus monotone
 * ℓ, MCAR recovery and weights combined with missing cells.
 */
import { describe, expect, it } from 'vitest';
import { dataVariances } from '../../src/engine/degeneracy.js';
import { BLOCK_ROWS, createResponsibilitySums, expectationStep } from '../../src/engine/e-step.js';
import { emSteps, runSteps } from '../../src/engine/em.js';
import { parametersFromSums } from '../../src/engine/m-step.js';
import { computePrecisionFactors } from '../../src/engine/precision.js';
import { classifyRows, finalRows } from '../../src/engine/predict.js';
import { Random } from '../../src/engine/random.js';
import { groupRowsByPattern, subsetPatterns } from '../../src/engine/row-patterns.js';
import {
  COVARIANCE_TYPES,
  SKLEARN_TYPES,
  type CovarianceType,
  type DataMatrix,
} from '../../src/engine/types.js';
import {
  assertAllClose,
  assertClose,
  flatten,
  fromParameters,
  gaussianLogDensity,
  inverse,
  randomMixture,
  sampleMixture,
  toParameters,
  type Matrix,
  type ReferenceMixture,
  type Vector,
} from './reference.js';

const d = 4;

/** Knocks out cells at random (MCAR) with probability `fraction`, keeping one cell per row. */
function knockOut(rows: Matrix, fraction: number, random: Random): Matrix {
  return rows.map((row) => {
    const out = row.map((v) => (random.nextFloat() < fraction ? NaN : v));
    if (out.every((v) => Number.isNaN(v))) out[0] = row[0];
    return out;
  });
}

interface NaiveRow {
  logDensity: number;
  resp: Vector;
  /** per component: the row with missing cells filled, and the conditional covariance (d×d, zero outside m×m) */
  filled: Matrix;
  conditional: Matrix[];
}

/** One row from the formulas: marginal density over o, x̂ₘ = μₘ + Σₘₒ Σₒₒ⁻¹ (xₒ − μₒ), C = Σₘₘ − Σₘₒ Σₒₒ⁻¹ Σₒₘ. */
function naiveRow(x: Vector, mixture: ReferenceMixture): NaiveRow {
  const o = x.flatMap((v, j) => (Number.isNaN(v) ? [] : [j]));
  const m = x.flatMap((v, j) => (Number.isNaN(v) ? [j] : []));
  const K = mixture.weights.length;
  const logTerms: number[] = [];
  const filled: Matrix = [];
  const conditional: Matrix[] = [];
  for (let k = 0; k < K; k++) {
    const S = mixture.covariances[k];
    const mu = mixture.means[k];
    const Soo = o.map((a) => o.map((b) => S[a][b]));
    const Smo = m.map((a) => o.map((b) => S[a][b]));
    const inv = inverse(Soo);
    const xo = o.map((j) => x[j]);
    const muo = o.map((j) => mu[j]);
    logTerms.push(Math.log(mixture.weights[k]) + gaussianLogDensity(xo, muo, Soo));
    const diff = xo.map((v, a) => v - muo[a]);
    const gain = Smo.map((row) => o.map((_, b) => row.reduce((s, v, t) => s + v * inv[t][b], 0)));
    const row = x.slice();
    m.forEach((j, a) => {
      row[j] = mu[j] + gain[a].reduce((s, v, b) => s + v * diff[b], 0);
    });
    filled.push(row);
    const C: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    m.forEach((ja, a) =>
      m.forEach((jb) => {
        C[ja][jb] = S[ja][jb] - gain[a].reduce((s, v, b) => s + v * S[o[b]][jb], 0);
      }),
    );
    conditional.push(C);
  }
  const max = Math.max(...logTerms);
  const total = logTerms.reduce((s, t) => s + Math.exp(t - max), 0);
  return {
    logDensity: max + Math.log(total),
    resp: logTerms.map((t) => Math.exp(t - max) / total),
    filled,
    conditional,
  };
}

/** The M-step from expected sufficient statistics, straight from the formulas. */
function naiveMStep(
  rows: Matrix,
  mixture: ReferenceMixture,
  type: CovarianceType,
  reg: number,
): ReferenceMixture {
  const K = mixture.weights.length;
  const naive = rows.map((x) => naiveRow(x, mixture));
  const nk = Array.from({ length: K }, (_, k) => naive.reduce((s, r) => s + r.resp[k], 0));
  const means = Array.from({ length: K }, (_, k) =>
    Array.from(
      { length: d },
      (_, a) => naive.reduce((s, r) => s + r.resp[k] * r.filled[k][a], 0) / nk[k],
    ),
  );
  const scatter = Array.from({ length: K }, (_, k) =>
    Array.from({ length: d }, (_, a) =>
      Array.from({ length: d }, (_, b) =>
        naive.reduce(
          (s, r) =>
            s +
            r.resp[k] *
              ((r.filled[k][a] - means[k][a]) * (r.filled[k][b] - means[k][b]) +
                r.conditional[k][a][b]),
          0,
        ),
      ),
    ),
  );
  const n = rows.length;
  const covariances = scatter.map((S, k) => {
    if (type === 'tied') {
      return S.map((row, a) =>
        row.map((_, b) => scatter.reduce((s, T) => s + T[a][b], 0) / n + (a === b ? reg : 0)),
      );
    }
    const full = S.map((row, a) => row.map((v, b) => v / nk[k] + (a === b ? reg : 0)));
    if (type === 'full') return full;
    if (type === 'diag') return full.map((row, a) => row.map((v, b) => (a === b ? v : 0)));
    const mean = full.reduce((s, row, a) => s + row[a], 0) / d;
    return full.map((row, a) => row.map((_, b) => (a === b ? mean : 0)));
  });
  return { weights: nk.map((v) => v / n), means, covariances };
}

const random = new Random(13, 1);
const truth = randomMixture(random, 3, d, 'full');
const { rows: complete } = sampleMixture(random, truth, 150);
const holed = knockOut(complete, 0.25, random);
const matrix = (rows: Matrix): DataMatrix => ({
  values: flatten(rows),
  nSamples: rows.length,
  nFeatures: d,
});

describe('missing cells: the E-step and M-step against the formulas', () => {
  const grouped = groupRowsByPattern(flatten(holed), holed.length, d).data;

  it('groups rows: complete first, then each pattern contiguous', () => {
    const m = grouped.missing!;
    const nComplete = holed.filter((r) => r.every((v) => !Number.isNaN(v))).length;
    expect(m.nComplete).toBe(nComplete);
    expect(m.starts.at(-1)).toBe(holed.length);
    expect(nComplete).toBeGreaterThan(0);
    expect(m.starts.length - 1).toBeGreaterThan(4);
  });

  for (const type of COVARIANCE_TYPES) {
    const mixture = randomMixture(new Random(3, COVARIANCE_TYPES.indexOf(type)), 3, d, type);
    const parameters = toParameters(mixture, type);

    it(`ℓ is the naive marginal log-likelihood, per row too, ${type}`, () => {
      const factors = computePrecisionFactors(parameters);
      const reference = holed.map((x) => naiveRow(x, mixture));
      const expected = reference.reduce((s, r) => s + r.logDensity, 0);
      assertClose(expectationStep(grouped, factors, null), expected, 1e-10, 'ℓ');
      // in input order, through the NaN path every command uses
      const rows = classifyRows(matrix(holed), parameters);
      assertClose(rows.logLikelihood, expected, 1e-10, 'ℓ (input order)');
      assertAllClose(
        rows.logDensity,
        reference.map((r) => r.logDensity),
        1e-10,
        'log densities',
      );
    });

    // The naive M-step knows scikit-learn's four; mclust's other ten read the same sums
    // (m-step.ts) and are checked against their own reference in mclust-m-step.test.ts.
    it.runIf(SKLEARN_TYPES.includes(type))(
      `one EM step equals the M-step from the expected sufficient statistics, ${type}`,
      () => {
        const sums = createResponsibilitySums(3, d);
        expectationStep(grouped, computePrecisionFactors(parameters), null, sums);
        const next = parametersFromSums(sums, 3, d, type, 1e-6);
        const expected = naiveMStep(holed, mixture, type, 1e-6);
        const actual = fromParameters(next);
        assertAllClose(actual.weights, expected.weights, 1e-9, 'weights');
        assertAllClose(actual.means.flat(), expected.means.flat(), 1e-9, 'means');
        assertAllClose(
          actual.covariances.flat(2),
          expected.covariances.flat(2),
          1e-9,
          'covariances',
        );
      },
    );

    // Without the reg_covar ridge (which makes the M-step a near-maximiser only: on
    // these 150 rows a full component collapses towards 7 rows, where it shows).
    it(`ℓ never decreases, plain and accelerated EM, ${type}`, () => {
      const start = toParameters(randomMixture(new Random(77, 1), 3, d, type), type);
      for (const accelerate of [false, true]) {
        const run = runSteps(
          grouped,
          emSteps(
            { nComponents: 3, covarianceType: type, regCovar: 0 },
            holed.length,
            d,
            { maxIter: 300, tol: 1e-12, accelerate },
            start,
          ),
        );
        expect(run.trajectory.length).toBeGreaterThan(5);
        for (let t = 1; t < run.trajectory.length; t++) {
          expect(run.trajectory[t]).toBeGreaterThanOrEqual(
            run.trajectory[t - 1] - 1e-9 * Math.abs(run.trajectory[t - 1]),
          );
        }
      }
    });
  }

  // 1500 copies of the 150 rows: 225,000 rows, four row blocks (BLOCK_ROWS) after
  // grouping: complete rows, a block with both, then blocks of rows with missing cells
  // only. ℓ and one EM step must be the 150 rows' (ℓ times 1500; the M-step unchanged).
  it('over several row blocks, rows with missing cells in their own blocks', () => {
    const copies = 1500;
    const repeated = Array.from({ length: copies }, () => holed).flat();
    const many = groupRowsByPattern(flatten(repeated), repeated.length, d).data;
    expect(many.missing!.nComplete).toBeLessThan(BLOCK_ROWS * 2);
    expect(many.nSamples).toBeGreaterThan(BLOCK_ROWS * 3);
    const mixture = randomMixture(new Random(3, 0), 3, d, 'full');
    const parameters = toParameters(mixture, 'full');
    const expected = copies * holed.reduce((s, x) => s + naiveRow(x, mixture).logDensity, 0);
    const sums = createResponsibilitySums(3, d);
    const factors = computePrecisionFactors(parameters);
    assertClose(expectationStep(many, factors, null, sums), expected, 1e-9, 'ℓ');
    const next = fromParameters(parametersFromSums(sums, 3, d, 'full', 1e-6));
    const step = naiveMStep(holed, mixture, 'full', 1e-6);
    assertAllClose(next.weights, step.weights, 1e-9, 'weights');
    assertAllClose(next.means.flat(), step.means.flat(), 1e-9, 'means');
    assertAllClose(next.covariances.flat(2), step.covariances.flat(2), 1e-9, 'covariances');
  });

  it('imputes the conditional mean under the row posterior', () => {
    const parameters = toParameters(truth, 'full');
    const imputed = finalRows(matrix(holed), parameters, {
      memberships: false,
      impute: true,
    }).imputed!;
    holed.forEach((x, i) => {
      const naive = naiveRow(x, truth);
      x.forEach((v, j) => {
        const expected = Number.isNaN(v)
          ? naive.resp.reduce((s, r, k) => s + r * naive.filled[k][j], 0)
          : v;
        assertClose(imputed[i * d + j], expected, 1e-10, `row ${i} column ${j}`);
      });
    });
  });

  it('the degeneracy rules compare against each column’s observed variance', () => {
    const variances = dataVariances(grouped);
    for (let j = 0; j < d; j++) {
      const cells = holed.map((x) => x[j]).filter((v) => !Number.isNaN(v));
      const mean = cells.reduce((s, v) => s + v, 0) / cells.length;
      const expected = cells.reduce((s, v) => s + (v - mean) ** 2, 0) / cells.length;
      assertClose(variances[j], expected, 1e-12, `variance of column ${j}`);
    }
  });

  it('a subset of grouped rows stays grouped', () => {
    const m = grouped.missing!;
    const indexes = Array.from({ length: 40 }, (_, i) => i * 3 + 1);
    const subset = subsetPatterns(m, indexes);
    expect(subset.nComplete).toBe(indexes.filter((i) => i < m.nComplete).length);
    expect(subset.starts.at(-1)).toBe(40);
  });
});

describe('missing cells: weights and MCAR recovery', () => {
  it('weighted rows with missing cells equal repeated rows', () => {
    const weights = holed.map((_, i) => i % 3);
    const expanded = holed.flatMap((row, i) => Array.from({ length: weights[i] }, () => row));
    const a = groupRowsByPattern(flatten(holed), holed.length, d, Float64Array.from(weights)).data;
    const b = groupRowsByPattern(flatten(expanded), expanded.length, d).data;
    const factors = computePrecisionFactors(toParameters(truth, 'full'));
    const sa = createResponsibilitySums(3, d);
    const sb = createResponsibilitySums(3, d);
    assertClose(
      expectationStep(a, factors, null, sa),
      expectationStep(b, factors, null, sb),
      1e-11,
      'ℓ',
    );
    assertAllClose(sa.nk, sb.nk, 1e-11, 'N');
    assertAllClose(sa.weightedSums, sb.weightedSums, 1e-11, 'Σ r x');
    assertAllClose(sa.scatter, sb.scatter, 1e-11, 'scatter');
  });

  it('estimates approach the complete-data fit as the missing fraction falls', () => {
    const r = new Random(99, 2);
    const separated: ReferenceMixture = {
      weights: [0.5, 0.3, 0.2],
      means: [
        [0, 0, 0, 0],
        [5, 1, -2, 3],
        [-3, 5, 2, -4],
      ],
      covariances: truth.covariances,
    };
    const { rows } = sampleMixture(r, separated, 3000);
    const shape = { nComponents: 3, covarianceType: 'full' as const, regCovar: 1e-6 };
    const limits = { maxIter: 500, tol: 1e-10, accelerate: true };
    const initial = toParameters(separated, 'full');
    const fitOf = (data: DataMatrix) =>
      runSteps(data, emSteps(shape, data.nSamples, d, limits, initial)).parameters;
    const reference = fitOf(matrix(rows));
    const distances = [0.4, 0.15, 0.03].map((fraction) => {
      const holes = knockOut(rows, fraction, new Random(5, Math.round(fraction * 100)));
      const fit = fitOf(groupRowsByPattern(flatten(holes), holes.length, d).data);
      let distance = 0;
      for (let e = 0; e < fit.means.length; e++) {
        distance = Math.max(distance, Math.abs(fit.means[e] - reference.means[e]));
      }
      return distance;
    });
    expect(distances[0]).toBeGreaterThan(distances[1]);
    expect(distances[1]).toBeGreaterThan(distances[2]);
    expect(distances[2]).toBeLessThan(0.05);
  });
});
