import { modelStructure } from './model-names.js';
import type { CovarianceType, DataMatrix, MixtureParameters } from './types.js';
import { eigenScratch, symmetricEigenDecomposition } from './symmetric-eigen.js';

/**
 * A variance this small, relative to the data's own spread in that direction, means a
 * component has collapsed onto a point or a subspace: its likelihood grows without
 * bound there and means nothing.
 */
export const COLLAPSE_EIGENVALUE_RATIO = 1e-5;

/**
 * Per-column variance of the (scaled) data: d. With row weights, the weighted
 * (frequency) variance: that of the rows repeated wᵢ times.
 */
export function columnVariances(
  values: Float64Array,
  nSamples: number,
  nFeatures: number,
  rowWeights?: Float64Array,
): Float64Array {
  const weight = (i: number) => (rowWeights === undefined ? 1 : rowWeights[i]);
  let total = 0;
  const means = new Float64Array(nFeatures);
  for (let i = 0; i < nSamples; i++) {
    const w = weight(i);
    total += w;
    for (let j = 0; j < nFeatures; j++) means[j] += w * values[i * nFeatures + j];
  }
  for (let j = 0; j < nFeatures; j++) means[j] /= total;
  const variances = new Float64Array(nFeatures);
  for (let i = 0; i < nSamples; i++) {
    const w = weight(i);
    for (let j = 0; j < nFeatures; j++) {
      const delta = values[i * nFeatures + j] - means[j];
      variances[j] += w * delta * delta;
    }
  }
  for (let j = 0; j < nFeatures; j++) variances[j] /= total;
  return variances;
}

/**
 * columnVariances of a data matrix, with its row weights; with missing cells
 * (row-patterns.ts), each column's variance over its observed cells only (the
 * placeholders in missing cells would shrink it).
 */
export function dataVariances(data: DataMatrix): Float64Array {
  const { values, nSamples, nFeatures: d, rowWeights, missing } = data;
  if (missing === undefined) return columnVariances(values, nSamples, d, rowWeights);
  const P = missing.starts.length - 1;
  const total = new Float64Array(d);
  const means = new Float64Array(d);
  const variances = new Float64Array(d);
  // rows [first, end) observing the columns j with mask[j] = 1 (complete rows: all)
  const all = new Uint8Array(d).fill(1);
  const ranges: { first: number; end: number; mask: Uint8Array }[] = [
    { first: 0, end: missing.nComplete, mask: all },
  ];
  for (let p = 0; p < P; p++) {
    ranges.push({
      first: missing.starts[p],
      end: missing.starts[p + 1],
      mask: missing.observed.subarray(p * d, (p + 1) * d),
    });
  }
  for (let pass = 0; pass < 2; pass++) {
    for (const { first, end, mask } of ranges) {
      for (let i = first; i < end; i++) {
        const w = rowWeights === undefined ? 1 : rowWeights[i];
        for (let j = 0; j < d; j++) {
          if (mask[j] === 0) continue;
          const x = values[i * d + j];
          if (pass === 0) {
            total[j] += w;
            means[j] += w * x;
          } else {
            variances[j] += w * (x - means[j]) * (x - means[j]);
          }
        }
      }
    }
    for (let j = 0; j < d; j++) {
      if (pass === 0) means[j] /= total[j];
      else variances[j] /= total[j];
    }
  }
  return variances;
}

/**
 * Why this solution is degenerate, or undefined when it is not. The rules follow what
 * each structure estimates from how many rows, because a degenerate optimum is one
 * where some variance is estimated from too few rows to be bounded away from zero:
 *
 *   full       Σₖ (d(d+1)/2 terms) is fitted to component k's own rows. With Nₖ ≤ d
 *              rows' worth of responsibility they span at most a (d−1)-dimensional
 *              subspace and Σₖ can be made singular: refused. Otherwise refused when
 *              Σₖ, in units of each column's variance (D^-½ Σₖ D^-½), has an
 *              eigenvalue below COLLAPSE_EIGENVALUE_RATIO.
 *   tied       one Σ is pooled over all rows of all components, so a small (even
 *              nearly empty) component is a legitimate, bounded solution: its mean
 *              sits among the data and its spread is the shared one. Only the shared
 *              Σ itself can collapse (the eigenvalue rule, once).
 *   diag       each σ²ₖⱼ is fitted to component k's rows in column j alone: one row's
 *              worth (Nₖ ≤ 1) gives zero variance, and so do rows sharing a value in
 *              that column. Refused when Nₖ ≤ 1 or some σ²ₖⱼ / var(column j) is below
 *              COLLAPSE_EIGENVALUE_RATIO.
 *   spherical  one σ²ₖ per component, pooled over its d columns: refused when Nₖ ≤ 1
 *              or σ²ₖ is below COLLAPSE_EIGENVALUE_RATIO of the mean column variance
 *              (a single variance has no direction to compare against).
 *
 * mclust's other models follow the same reasoning from their structure
 * (model-names.ts): what is estimated from component k's rows alone.
 *   rows       Nₖ > d when both shape and orientation are per component (EVV, like
 *              full: Σₖ up to its volume comes from k's rows); Nₖ > 1 when the volume
 *              or the shape is (VEI, EVI, VEE, EVE, VVE, VEV: one row gives λₖ = 0 or
 *              a zero in Aₖ); no rule when only the orientation is (EEV: Dₖ of a
 *              small component is arbitrary but its eigenvalues are the pooled ones,
 *              so Σₖ stays bounded) or nothing is (EII, EEI).
 *   collapse   the diag rule for orientation I (EEI, VEI, EVI), the spherical rule
 *              for EII, the eigenvalue rule on every component otherwise.
 *
 * `variances`: the data's column variances (d); `nSamples`: the rows the fit used.
 */
export function findDegeneracy(
  parameters: MixtureParameters,
  nSamples: number,
  variances: Float64Array,
): string | undefined {
  const { nComponents, nFeatures: d, covariances, covarianceType } = parameters;
  const minimumRows = minimumRowsPerComponent(covarianceType, d);
  for (let k = 0; k < nComponents; k++) {
    const nk = parameters.weights[k] * nSamples;
    if (minimumRows > 0 && nk <= minimumRows) {
      return `component ${k + 1} holds only ${nk.toPrecision(3)} rows (a ${covarianceType} component needs more than ${minimumRows}: ${minimumRowsReason(covarianceType, d)})`;
    }
  }
  switch (collapseRule(covarianceType)) {
    case 'eigenvalues':
      for (let k = 0; k < nComponents; k++) {
        const failure = eigenvalueRule(covariances, k, d, variances, `component ${k + 1}`);
        if (failure !== undefined) return failure;
      }
      return undefined;
    case 'shared':
      return eigenvalueRule(covariances, 0, d, variances, 'the shared covariance');
    case 'columns':
      for (let k = 0; k < nComponents; k++) {
        for (let j = 0; j < d; j++) {
          const ratio = covariances[k * d * d + j * d + j] / variances[j];
          if (!(ratio >= COLLAPSE_EIGENVALUE_RATIO)) {
            return `component ${k + 1} collapsed in column ${j + 1}: its variance is ${ratio.toPrecision(2)} of the column's`;
          }
        }
      }
      return undefined;
    case 'single': {
      let meanVariance = 0;
      for (let j = 0; j < d; j++) meanVariance += variances[j] / d;
      for (let k = 0; k < nComponents; k++) {
        const ratio = covariances[k * d * d] / meanVariance;
        if (!(ratio >= COLLAPSE_EIGENVALUE_RATIO)) {
          return `component ${k + 1} collapsed: its variance is ${ratio.toPrecision(2)} of the data's mean column variance`;
        }
      }
      return undefined;
    }
  }
}

/** Which collapse rule a model's covariances answer to (see findDegeneracy). */
function collapseRule(type: CovarianceType): 'eigenvalues' | 'shared' | 'columns' | 'single' {
  if (type === 'tied') return 'shared';
  const { shape, orientation } = modelStructure(type);
  if (orientation !== 'I') return 'eigenvalues';
  return shape === 'I' ? 'single' : 'columns';
}

/** The responsibility (in rows) a component must exceed, by structure; 0: no such rule. */
export function minimumRowsPerComponent(covarianceType: CovarianceType, d: number): number {
  const { volume, shape, orientation } = modelStructure(covarianceType);
  if (shape === 'V' && orientation === 'V') return d;
  return volume === 'V' || shape === 'V' ? 1 : 0;
}

/** Why, said in messages. */
export function minimumRowsReason(covarianceType: CovarianceType, d: number): string {
  const rows = minimumRowsPerComponent(covarianceType, d);
  if (rows === 0) return '';
  if (rows > 1) return 'fewer rows than columns make its covariance singular';
  return modelStructure(covarianceType).volume === 'V'
    ? 'one row gives zero variance'
    : 'one row gives a zero in its shape';
}

/** The eigenvalue rule on covariance `k` (K×d×d), measured in units of each column's variance. */
function eigenvalueRule(
  covariances: Float64Array,
  k: number,
  d: number,
  variances: Float64Array,
  what: string,
): string | undefined {
  const normalised = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      // √va·√vb, not √(va·vb): the product of two tiny variances underflows to 0.
      const value =
        covariances[k * d * d + a * d + b] / (Math.sqrt(variances[a]) * Math.sqrt(variances[b]));
      if (!Number.isFinite(value)) return `${what} is too extreme for double precision`;
      normalised[a * d + b] = value;
    }
  }
  const eigenvalues = new Float64Array(d);
  symmetricEigenDecomposition(
    normalised,
    0,
    d,
    eigenvalues,
    new Float64Array(d * d),
    eigenScratch(d),
  );
  // ascending: the first is the smallest
  const smallest = eigenvalues[0];
  if (!(smallest >= COLLAPSE_EIGENVALUE_RATIO)) {
    return `${what} collapsed: its covariance has an eigenvalue of ${smallest.toPrecision(2)} of the data's variance`;
  }
  return undefined;
}
