/**
 * The blocked full-covariance kernel (kernels.ts blockedFullKernel, the E-step's kernel
 * for full covariances beyond d = 24) on block remainders: n around its 4-row solve
 * groups and 32-row blocks, d = 1, 2 (less than one pair of factor rows), 3 and 31
 * (odd: a last single factor row and a last single scatter column), weighted or not.
 * Against the textbook E-step (explicit inverse and determinant) and sums written out
 * from its responsibilities; and, where the row-by-row kernel exists (d ≤ 24), the
 * same bits as it, since every sum takes its terms in the same order.
 */
import { describe, expect, it } from 'vitest';
import { blockedFullKernel, javascriptKernel } from '../../src/engine/kernels.js';
import { callKernel } from './kernel-call.js';
import { computePrecisionFactors } from '../../src/engine/precision.js';
import { Random } from '../../src/engine/random.js';
import {
  assertAllClose,
  assertClose,
  randomMixture,
  randomRows,
  referenceEStep,
  toParameters,
  type Matrix,
  type ReferenceMixture,
} from './reference.js';

interface Outputs {
  readonly logLikelihood: number;
  readonly status: number;
  readonly resp: Float64Array;
  readonly logDensity: Float64Array;
  readonly labels: Int32Array;
  readonly certainty: Float64Array;
  readonly nk: Float64Array;
  readonly weightedSums: Float64Array;
  readonly scatter: Float64Array;
}

function run(
  kernel: ReturnType<typeof blockedFullKernel>,
  rows: Matrix,
  mixture: ReferenceMixture,
  weights: Float64Array | null,
): Outputs {
  const factors = computePrecisionFactors(toParameters(mixture, 'full'));
  const X = Float64Array.from(rows.flat());
  return callKernel(kernel, X, rows.length, factors, { rows: true, weights }) as Outputs;
}

interface Case {
  readonly name: string;
  readonly rows: Matrix;
  readonly mixture: ReferenceMixture;
  readonly weights: Float64Array | null;
}

/** Means 1.5·N(0, I) and rows 2·N(0, I): at d = 31 some responsibilities are exactly 0 (below e⁻⁴⁰). */
function cases(dimensions: number[]): Case[] {
  const out: Case[] = [];
  for (const d of dimensions) {
    for (const K of [1, 3]) {
      for (const n of [1, 3, 4, 5, 31, 32, 33, 70]) {
        for (const weighted of [false, true]) {
          const random = new Random(77, d, K, n, weighted ? 1 : 0);
          const mixture = randomMixture(random, K, d, 'full');
          const rows = randomRows(random, n, d);
          const weights = weighted
            ? Float64Array.from({ length: n }, () => random.nextInt(4) * 0.5)
            : null;
          out.push({
            name: `d=${d} K=${K} n=${n}${weighted ? ' weighted' : ''}`,
            rows,
            mixture,
            weights,
          });
        }
      }
    }
  }
  return out;
}

describe('blockedFullKernel against the textbook E-step', () => {
  it.each(cases([1, 2, 3, 31]))('$name', ({ rows, mixture, weights }) => {
    const n = rows.length;
    const d = mixture.means[0].length;
    const K = mixture.weights.length;
    const got = run(blockedFullKernel(d, weights !== null), rows, mixture, weights);
    const expected = referenceEStep(rows, mixture);
    const w = (i: number) => (weights === null ? 1 : weights[i]);
    expect(got.status).toBe(0);
    assertClose(
      got.logLikelihood,
      expected.logDensity.reduce((s, v, i) => s + w(i) * v, 0),
      1e-10,
      'ℓ',
    );
    assertAllClose(got.logDensity, expected.logDensity, 1e-10, 'log density');
    assertAllClose(got.resp, expected.resp.flat(), 1e-10, 'responsibilities');
    for (let i = 0; i < n; i++) {
      const r = expected.resp[i];
      expect(got.labels[i]).toBe(r.indexOf(Math.max(...r)));
      assertClose(got.certainty[i], Math.max(...r), 1e-10, 'certainty');
    }
    for (let k = 0; k < K; k++) {
      const mu = mixture.means[k];
      const rw = (i: number) => w(i) * expected.resp[i][k];
      assertClose(
        got.nk[k],
        rows.reduce((s, _, i) => s + rw(i), 0),
        1e-10,
        'Nₖ',
      );
      for (let a = 0; a < d; a++) {
        const sx = rows.reduce((s, x, i) => s + rw(i) * x[a], 0);
        assertClose(got.weightedSums[k * d + a], sx, 1e-10, 'Σ r x');
        for (let b = 0; b < d; b++) {
          // the upper triangle of Σᵢ wᵢ rᵢₖ (xᵢ − μₖ)(xᵢ − μₖ)ᵀ; the lower one stays zero
          const sc =
            b < a ? 0 : rows.reduce((s, x, i) => s + rw(i) * (x[a] - mu[a]) * (x[b] - mu[b]), 0);
          assertClose(got.scatter[k * d * d + a * d + b], sc, 1e-10, `scatter ${a},${b}`);
        }
      }
    }
  });

  it('the d = 31 cases take both paths of the sums: rows with r = 0 skipped, rows with 0 < r < 1 gathered', () => {
    let zero = 0;
    let soft = 0;
    for (const { rows, mixture } of cases([31]).filter((c) => c.mixture.weights.length > 1)) {
      for (const r of run(blockedFullKernel(31, false), rows, mixture, null).resp) {
        if (r === 0) zero++;
        else if (r < 1) soft++;
      }
    }
    expect(zero).toBeGreaterThan(0);
    expect(soft).toBeGreaterThan(0);
  });

  it('stops at the first row with no finite term, naming it (row 38: the second block)', () => {
    const random = new Random(5);
    const mixture = randomMixture(random, 2, 31, 'full');
    const rows = randomRows(random, 40, 31);
    rows[37][4] = Number.NaN;
    const got = run(blockedFullKernel(31, false), rows, mixture, null);
    expect(got.logLikelihood).toBeNaN();
    expect(got.status).toBe(38);
  });
});

describe('blockedFullKernel takes every sum in the row-by-row order', () => {
  it.each(cases([1, 2, 3, 13]))('$name: the same bits as the unrolled kernel', (c) => {
    const d = c.mixture.means[0].length;
    const weighted = c.weights !== null;
    const blocked = run(blockedFullKernel(d, weighted), c.rows, c.mixture, c.weights);
    const rowByRow = run(javascriptKernel(d, 'full', weighted), c.rows, c.mixture, c.weights);
    expect(blocked).toStrictEqual(rowByRow);
  });
});
