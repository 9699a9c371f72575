import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { MixtureParameters } from './types.js';

/**
 * A component this thin, relative to the data's own spread, has collapsed onto a
 * point or a subspace: its likelihood grows without bound and means nothing.
 */
export const COLLAPSE_EIGENVALUE_RATIO = 1e-5;

/** Per-column variance of the (scaled) data: d. */
export function columnVariances(
  values: Float64Array,
  nSamples: number,
  nFeatures: number,
): Float64Array {
  const means = new Float64Array(nFeatures);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nFeatures; j++) means[j] += values[i * nFeatures + j];
  }
  for (let j = 0; j < nFeatures; j++) means[j] /= nSamples;
  const variances = new Float64Array(nFeatures);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nFeatures; j++) {
      const delta = values[i * nFeatures + j] - means[j];
      variances[j] += delta * delta;
    }
  }
  for (let j = 0; j < nFeatures; j++) variances[j] /= nSamples;
  return variances;
}

/**
 * Why this solution is degenerate, or undefined when it is not. A component has
 * collapsed when it holds at most d rows' worth of responsibility (Nₖ ≤ d), or when
 * its covariance, measured in units of each column's variance (D^-½ Σₖ D^-½), has an
 * eigenvalue below COLLAPSE_EIGENVALUE_RATIO.
 */
export function findCollapse(
  parameters: MixtureParameters,
  nSamples: number,
  variances: Float64Array,
): string | undefined {
  const { nComponents, nFeatures: d, weights, covariances } = parameters;
  const normalised = new Matrix(d, d);
  for (let k = 0; k < nComponents; k++) {
    const nk = weights[k] * nSamples;
    if (nk <= d) {
      return `component ${k + 1} holds only ${nk.toPrecision(3)} rows (a component needs more than ${d})`;
    }
    let finite = true;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        // √va·√vb, not √(va·vb): the product of two tiny variances underflows to 0.
        const value =
          covariances[k * d * d + a * d + b] / (Math.sqrt(variances[a]) * Math.sqrt(variances[b]));
        finite &&= Number.isFinite(value);
        normalised.set(a, b, value);
      }
    }
    if (!finite) return `component ${k + 1} has a covariance too extreme for double precision`;
    const smallest = Math.min(
      ...new EigenvalueDecomposition(normalised, { assumeSymmetric: true }).realEigenvalues,
    );
    if (!(smallest >= COLLAPSE_EIGENVALUE_RATIO)) {
      return `component ${k + 1} collapsed: its covariance has an eigenvalue of ${smallest.toPrecision(2)} of the data's variance`;
    }
  }
  return undefined;
}
