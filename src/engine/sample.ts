import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Random } from './random.js';
import type { MixtureParameters } from './types.js';

export interface MixtureSample {
  /** n×d draws. */
  readonly values: Float64Array;
  /** n: 0-based component of each draw. */
  readonly components: Int32Array;
}

/** Cholesky factors Lₖ (K×d×d, lower triangular) of the covariances, for drawing μ + L z. */
export function covarianceFactors(parameters: MixtureParameters): Float64Array {
  const { nComponents: K, nFeatures: d, covariances } = parameters;
  const factors = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    const matrix = new Matrix(d, d);
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) matrix.set(a, b, covariances[k * d * d + a * d + b]);
    const lower = new CholeskyDecomposition(matrix).lowerTriangularMatrix;
    for (let a = 0; a < d; a++)
      for (let b = 0; b <= a; b++) factors[k * d * d + a * d + b] = lower.get(a, b);
  }
  return factors;
}

/**
 * n draws from the mixture: a component by its weight, then μₖ + Lₖ z with z standard
 * normal. `factors` from covarianceFactors. Consecutive calls with the same Random
 * continue one stream, so drawing in batches gives the same rows as drawing at once.
 */
export function sampleMixture(
  parameters: MixtureParameters,
  factors: Float64Array,
  n: number,
  random: Random,
): MixtureSample {
  const { nComponents: K, nFeatures: d, weights, means } = parameters;
  const values = new Float64Array(n * d);
  const components = new Int32Array(n);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const u = random.nextFloat();
    let k = 0;
    let cumulative = weights[0];
    while (k < K - 1 && u >= cumulative) cumulative += weights[++k];
    components[i] = k;
    for (let a = 0; a < d; a++) z[a] = random.nextNormal();
    for (let a = 0; a < d; a++) {
      let x = means[k * d + a];
      for (let b = 0; b <= a; b++) x += factors[k * d * d + a * d + b] * z[b];
      values[i * d + a] = x;
    }
  }
  return { values, components };
}
