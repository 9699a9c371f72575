import { createResponsibilitySums, type ResponsibilitySums } from './e-step.js';
import type { CovarianceType, DataMatrix, MixtureParameters } from './types.js';

/** scikit-learn adds 10·machine-epsilon to each Nₖ so an empty component divides safely. */
const NK_FLOOR = 10 * Number.EPSILON;

/** Σᵢ rᵢₖ and Σᵢ rᵢₖ xᵢ from the responsibilities, when the E-step did not gather them. */
export function sumResponsibilities(
  data: DataMatrix,
  resp: Float64Array,
  nComponents: number,
): ResponsibilitySums {
  const { values, nSamples, nFeatures: d } = data;
  const sums = createResponsibilitySums(nComponents, d);
  for (let i = 0; i < nSamples; i++) {
    for (let k = 0; k < nComponents; k++) {
      const r = resp[i * nComponents + k];
      if (r === 0) continue;
      sums.nk[k] += r;
      for (let a = 0; a < d; a++) sums.weightedSums[k * d + a] += r * values[i * d + a];
    }
  }
  return sums;
}

/**
 * M-step: weights, means and covariances maximising the expected complete-data
 * log-likelihood under `covarianceType`, plus `regCovar` on every covariance diagonal.
 *   full:      Σₖ = Σᵢ rᵢₖ (xᵢ−μₖ)(xᵢ−μₖ)ᵀ / Nₖ
 *   tied:      Σ  = Σₖ Σᵢ rᵢₖ (xᵢ−μₖ)(xᵢ−μₖ)ᵀ / Σₖ Nₖ
 *   diag:      Σₖ = diag(Σᵢ rᵢₖ (xᵢ−μₖ)² / Nₖ)
 *   spherical: Σₖ = σₖ² I, σₖ² = mean over j of the diag variances
 * The scatter is accumulated around the new means (two-pass), which keeps precision
 * when the data sit far from the origin.
 */
export function estimateGaussianParameters(
  data: DataMatrix,
  resp: Float64Array,
  nComponents: number,
  covarianceType: CovarianceType,
  regCovar: number,
  sums: ResponsibilitySums = sumResponsibilities(data, resp, nComponents),
): MixtureParameters {
  const { values, nSamples, nFeatures: d } = data;
  const K = nComponents;
  const nk = new Float64Array(K);
  let nkTotal = 0;
  for (let k = 0; k < K; k++) {
    nk[k] = sums.nk[k] + NK_FLOOR;
    nkTotal += nk[k];
  }
  const weights = new Float64Array(K);
  const means = new Float64Array(K * d);
  for (let k = 0; k < K; k++) {
    weights[k] = nk[k] / nkTotal;
    for (let a = 0; a < d; a++) means[k * d + a] = sums.weightedSums[k * d + a] / nk[k];
  }

  const covariances = new Float64Array(K * d * d);
  const diff = new Float64Array(d);
  if (covarianceType === 'full' || covarianceType === 'tied') {
    // Upper triangle of each component's weighted scatter, K×d×d.
    const scatter = new Float64Array(K * d * d);
    for (let i = 0; i < nSamples; i++) {
      const rowOffset = i * d;
      for (let k = 0; k < K; k++) {
        const r = resp[i * K + k];
        if (r === 0) continue;
        const meanOffset = k * d;
        for (let a = 0; a < d; a++) diff[a] = values[rowOffset + a] - means[meanOffset + a];
        const sOffset = k * d * d;
        for (let a = 0; a < d; a++) {
          const rda = r * diff[a];
          const sRow = sOffset + a * d;
          for (let b = a; b < d; b++) scatter[sRow + b] += rda * diff[b];
        }
      }
    }
    if (covarianceType === 'full') {
      for (let k = 0; k < K; k++) {
        writeSymmetric(scatter, k * d * d, 1 / nk[k], covariances, k * d * d, d, regCovar);
      }
    } else {
      const pooled = new Float64Array(d * d);
      for (let k = 0; k < K; k++) {
        for (let e = 0; e < d * d; e++) pooled[e] += scatter[k * d * d + e];
      }
      for (let k = 0; k < K; k++) {
        writeSymmetric(pooled, 0, 1 / nkTotal, covariances, k * d * d, d, regCovar);
      }
    }
  } else {
    // K×d weighted squared deviations.
    const squares = new Float64Array(K * d);
    for (let i = 0; i < nSamples; i++) {
      const rowOffset = i * d;
      for (let k = 0; k < K; k++) {
        const r = resp[i * K + k];
        if (r === 0) continue;
        const meanOffset = k * d;
        for (let a = 0; a < d; a++) {
          const delta = values[rowOffset + a] - means[meanOffset + a];
          squares[meanOffset + a] += r * delta * delta;
        }
      }
    }
    for (let k = 0; k < K; k++) {
      const cOffset = k * d * d;
      if (covarianceType === 'diag') {
        for (let a = 0; a < d; a++) {
          covariances[cOffset + a * d + a] = squares[k * d + a] / nk[k] + regCovar;
        }
      } else {
        let variance = 0;
        for (let a = 0; a < d; a++) variance += squares[k * d + a] / nk[k];
        variance = variance / d + regCovar;
        for (let a = 0; a < d; a++) covariances[cOffset + a * d + a] = variance;
      }
    }
  }
  return { nComponents: K, nFeatures: d, covarianceType, weights, means, covariances };
}

/** out = scale · (upper triangle of source, mirrored) + reg·I, both d×d at the given offsets. */
function writeSymmetric(
  source: Float64Array,
  sourceOffset: number,
  scale: number,
  out: Float64Array,
  outOffset: number,
  d: number,
  regCovar: number,
): void {
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const value = source[sourceOffset + a * d + b] * scale + (a === b ? regCovar : 0);
      out[outOffset + a * d + b] = value;
      out[outOffset + b * d + a] = value;
    }
  }
}
