/**
 * The WebAssembly E-step kernels (wasm-kernels.ts) give the same bits as the
 * JavaScript kernels they stand for (kernels.ts javascriptKernel): ℓ and every sum,
 * for full, diag and tied factors at every d they exist for, on random mixtures; a
 * row with no finite term reports the same status; ℓ's running product is taken to
 * log the same way past 1e200. Against the textbook E-step too, so that the pair
 * cannot be wrong together.
 */
import { describe, expect, it } from 'vitest';
import {
  TIED_UNROLL_LIMIT,
  UNROLL_LIMIT,
  expectationKernel,
  javascriptKernel,
} from '../../src/engine/kernels.js';
import { computePrecisionFactors } from '../../src/engine/precision.js';
import { Random } from '../../src/engine/random.js';
import type { CovarianceType } from '../../src/engine/types.js';
import { callKernel, type KernelOutputs } from './kernel-call.js';
import {
  assertClose,
  randomMixture,
  randomRows,
  referenceEStep,
  toParameters,
} from './reference.js';

/** Same bits, NaN and −0 included. */
function expectIdentical(actual: KernelOutputs, expected: KernelOutputs): void {
  expect(Object.is(actual.logLikelihood, expected.logLikelihood)).toBe(true);
  expect(actual.status).toBe(expected.status);
  const keys = [
    'nk',
    'weightedSums',
    'scatter',
    'resp',
    'logDensity',
    'labels',
    'certainty',
  ] as const;
  for (const key of keys) {
    const a = actual[key];
    const b = expected[key];
    expect(a === null ? null : Array.from(a)).toEqual(b === null ? null : Array.from(b));
  }
}

const STRUCTURES: readonly [CovarianceType, 'full' | 'diagonal' | 'tied', number][] = [
  ['full', 'full', UNROLL_LIMIT],
  ['diag', 'diagonal', UNROLL_LIMIT],
  ['tied', 'tied', TIED_UNROLL_LIMIT],
];

describe('WebAssembly E-step kernels', () => {
  for (const [covarianceType, shape, limit] of STRUCTURES) {
    it(`${covarianceType}: the same bits as the JavaScript kernel for d = 1..${limit}`, () => {
      const random = new Random(7, limit, shape.length, 0);
      for (let d = 1; d <= limit; d++) {
        const K = 1 + (d % 6);
        const n = 1 + ((d * 37) % 90);
        const mixture = randomMixture(random, K, d, covarianceType);
        const factors = computePrecisionFactors(toParameters(mixture, covarianceType));
        expect(factors.shape).toBe(shape);
        const X = Float64Array.from(randomRows(random, n, d).flat());
        for (const outputs of [{}, { rows: true }, { gather: false, rows: true }]) {
          expectIdentical(
            callKernel(expectationKernel(d, shape), X, n, factors, outputs),
            callKernel(javascriptKernel(d, shape, false), X, n, factors, outputs),
          );
        }
      }
    });
  }

  it('agrees with the textbook E-step (ℓ, Nₖ)', () => {
    const random = new Random(11, 0, 0, 0);
    const mixture = randomMixture(random, 3, 4, 'full');
    const rows = randomRows(random, 50, 4);
    const factors = computePrecisionFactors(toParameters(mixture, 'full'));
    const result = callKernel(
      expectationKernel(4, 'full'),
      Float64Array.from(rows.flat()),
      50,
      factors,
    );
    const reference = referenceEStep(rows, mixture);
    assertClose(result.logLikelihood, reference.logLikelihood, 1e-10);
    for (let k = 0; k < 3; k++) {
      assertClose(
        result.nk![k],
        reference.resp.reduce((total, r) => total + r[k], 0),
        1e-10,
      );
    }
  });

  it('reports the first row with no finite term, as the JavaScript kernel does', () => {
    const random = new Random(3, 0, 0, 0);
    const mixture = randomMixture(random, 2, 3, 'full');
    const factors = computePrecisionFactors(toParameters(mixture, 'full'));
    const X = Float64Array.from(randomRows(random, 10, 3).flat());
    X[5 * 3 + 1] = Infinity;
    const wasm = callKernel(expectationKernel(3, 'full'), X, 10, factors);
    expect(wasm.status).toBe(6);
    expect(wasm.logLikelihood).toBeNaN();
    expect(callKernel(javascriptKernel(3, 'full', false), X, 10, factors).status).toBe(6);
  });

  it("takes ℓ's running product to log past 1e200 the same way (many rows, equal components)", () => {
    // Nine identical components: every row's sum of exp terms is 9, so the product
    // passes 1e200 every 210 rows.
    const random = new Random(5, 0, 0, 0);
    const one = randomMixture(random, 1, 2, 'full');
    const mixture = {
      weights: Array.from({ length: 9 }, () => 1 / 9),
      means: Array.from({ length: 9 }, () => one.means[0]),
      covariances: Array.from({ length: 9 }, () => one.covariances[0]),
    };
    const factors = computePrecisionFactors(toParameters(mixture, 'full'));
    const n = 1000;
    const X = Float64Array.from(randomRows(random, n, 2).flat());
    const wasm = callKernel(expectationKernel(2, 'full'), X, n, factors);
    expectIdentical(wasm, callKernel(javascriptKernel(2, 'full', false), X, n, factors));
    const single = computePrecisionFactors(toParameters(one, 'full'));
    // the same density as the one component: ℓ equal to it up to rounding
    assertClose(
      wasm.logLikelihood,
      callKernel(javascriptKernel(2, 'full', false), X, n, single).logLikelihood,
      1e-9,
    );
  });

  it('grows its memory for large inputs and stays identical', () => {
    const random = new Random(9, 0, 0, 0);
    const mixture = randomMixture(random, 4, 5, 'full');
    const factors = computePrecisionFactors(toParameters(mixture, 'full'));
    const n = 40_000; // 1.6 MB of rows: beyond the first 64 KiB page many times over
    const X = Float64Array.from(randomRows(random, n, 5).flat());
    expectIdentical(
      callKernel(expectationKernel(5, 'full'), X, n, factors),
      callKernel(javascriptKernel(5, 'full', false), X, n, factors),
    );
  });
});
