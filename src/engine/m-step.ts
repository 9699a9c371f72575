import { createResponsibilitySums, type ResponsibilitySums } from './e-step.js';
import { constrainedCovariances } from './mclust/covariance-models.js';
import { modelStructure } from './model-names.js';
import type { CovarianceType, DataMatrix, MixtureParameters } from './types.js';

/** scikit-learn adds 10·machine-epsilon to each Nₖ so an empty component divides safely. */
const NK_FLOOR = 10 * Number.EPSILON;

/**
 * Σᵢ wᵢ rᵢₖ and Σᵢ wᵢ rᵢₖ xᵢ from the responsibilities, when the E-step did not gather
 * them (wᵢ the row weights, 1 when there are none).
 */
export function sumResponsibilities(
  data: DataMatrix,
  resp: Float64Array,
  nComponents: number,
): ResponsibilitySums {
  const { values, nSamples, nFeatures: d, rowWeights } = data;
  const sums = createResponsibilitySums(nComponents, d);
  for (let i = 0; i < nSamples; i++) {
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    for (let k = 0; k < nComponents; k++) {
      const r = resp[i * nComponents + k] * w;
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
 * and mclust's other ten models by mclust/covariance-models.ts, on the scatters
 * Sₖ + reg·Nₖ·I: the ridge enters before the constraint, which for the four above is
 * exactly "+ reg·I" after it, and keeps the others inside their constraint sets.
 * The scatter is taken around the new means, which keeps precision when the data sit
 * far from the origin: recentred from the E-step's scatter around the previous means
 * when `sums` carry it (one pass over the rows per iteration), else accumulated in a
 * second pass over `resp`.
 */
export function estimateGaussianParameters(
  data: DataMatrix,
  resp: Float64Array | null,
  nComponents: number,
  covarianceType: CovarianceType,
  regCovar: number,
  gathered?: ResponsibilitySums,
): MixtureParameters {
  const d = data.nFeatures;
  if (gathered?.centers !== undefined) {
    return parametersFromSums(gathered, nComponents, d, covarianceType, regCovar);
  }
  if (resp === null) {
    throw new Error('estimateGaussianParameters needs the responsibilities or the E-step sums');
  }
  const sums = gathered ?? sumResponsibilities(data, resp, nComponents);
  return assembleParameters(sums, nComponents, d, covarianceType, regCovar, (means) =>
    scatterAroundMeans(data, resp, nComponents, means, covarianceType),
  );
}

/**
 * The M-step from an E-step's sums alone (their scatter recentred: no pass over the rows).
 * `previous`: the parameters whose E-step gave `sums`, from which the iterative models'
 * M-steps start (and which they never do worse than).
 */
export function parametersFromSums(
  sums: ResponsibilitySums,
  nComponents: number,
  d: number,
  covarianceType: CovarianceType,
  regCovar: number,
  previous?: MixtureParameters,
): MixtureParameters {
  return assembleParameters(
    sums,
    nComponents,
    d,
    covarianceType,
    regCovar,
    (means) =>
      sums.pooled
        ? pooledFromTotalScatter(sums, means, nComponents, d)
        : recentreScatter(sums, means, nComponents, d, covarianceType),
    previous,
  );
}

/**
 * Tied, from a total scatter S around c (the E-step's first centre): the pooled
 * within-component scatter around the new means μₖ, using Σₖ rᵢₖ = 1 and
 * Σᵢ rᵢₖ (xᵢ − c) = Nₖ (μₖ − c):
 *   Σₖ Σᵢ rᵢₖ (xᵢ−μₖ)(xᵢ−μₖ)ᵀ = S − Σₖ Nₖ (μₖ−c)(μₖ−c)ᵀ.
 * Returned in the first d×d of a K×d×d array, which the tied branch pools (sums) as is.
 */
function pooledFromTotalScatter(
  sums: ResponsibilitySums,
  means: Float64Array,
  K: number,
  d: number,
): Float64Array {
  const centers = sums.centers!;
  const scatter = new Float64Array(K * d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) scatter[a * d + b] = sums.scatter[a * d + b];
  }
  const delta = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    const n = sums.nk[k];
    for (let a = 0; a < d; a++) delta[a] = means[k * d + a] - centers[a];
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) scatter[a * d + b] -= n * delta[a] * delta[b];
    }
  }
  return scatter;
}

/** Weights and means from the sums, covariances from `scatterFor(means)` (K×d×d upper/diagonal). */
function assembleParameters(
  sums: ResponsibilitySums,
  nComponents: number,
  d: number,
  covarianceType: CovarianceType,
  regCovar: number,
  scatterFor: (means: Float64Array) => Float64Array,
  previous?: MixtureParameters,
): MixtureParameters {
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

  // Upper triangle (full, tied) or diagonal (diag, spherical) of each component's
  // weighted scatter around its new mean, K×d×d.
  const scatter = scatterFor(means);
  if (!ORIGINAL_FOUR.has(covarianceType)) {
    const covariances = constrainedCovariances(
      covarianceType,
      regularisedScatter(scatter, nk, d, regCovar, needsFullScatter(covarianceType)),
      nk,
      d,
      previous?.covarianceType === covarianceType ? previous.covariances : undefined,
    );
    return { nComponents: K, nFeatures: d, covarianceType, weights, means, covariances };
  }
  const covariances = new Float64Array(K * d * d);
  if (covarianceType === 'full') {
    for (let k = 0; k < K; k++) {
      writeSymmetric(scatter, k * d * d, 1 / nk[k], covariances, k * d * d, d, regCovar);
    }
  } else if (covarianceType === 'tied') {
    const pooled = new Float64Array(d * d);
    for (let k = 0; k < K; k++) {
      for (let e = 0; e < d * d; e++) pooled[e] += scatter[k * d * d + e];
    }
    for (let k = 0; k < K; k++) {
      writeSymmetric(pooled, 0, 1 / nkTotal, covariances, k * d * d, d, regCovar);
    }
  } else {
    for (let k = 0; k < K; k++) {
      const cOffset = k * d * d;
      if (covarianceType === 'diag') {
        for (let a = 0; a < d; a++) {
          covariances[cOffset + a * d + a] = scatter[cOffset + a * d + a] / nk[k] + regCovar;
        }
      } else {
        let variance = 0;
        for (let a = 0; a < d; a++) variance += scatter[cOffset + a * d + a] / nk[k];
        variance = variance / d + regCovar;
        for (let a = 0; a < d; a++) covariances[cOffset + a * d + a] = variance;
      }
    }
  }
  return { nComponents: K, nFeatures: d, covarianceType, weights, means, covariances };
}

/** The structures of scikit-learn's M-step (above); the others go to mclust/. */
const ORIGINAL_FOUR: ReadonlySet<CovarianceType> = new Set(['full', 'tied', 'diag', 'spherical']);

/** Whether a structure needs the whole scatter matrix or only its diagonal. */
function needsFullScatter(covarianceType: CovarianceType): boolean {
  return modelStructure(covarianceType).orientation !== 'I';
}

/**
 * Sₖ + reg·Nₖ·I, K×d×d with both triangles, from the upper triangle (or the diagonal
 * alone, the rest left zero, when `full` is false) of the scatter.
 */
function regularisedScatter(
  scatter: Float64Array,
  nk: Float64Array,
  d: number,
  regCovar: number,
  full: boolean,
): Float64Array {
  const out = new Float64Array(scatter.length);
  for (let k = 0; k < nk.length; k++) {
    const offset = k * d * d;
    for (let a = 0; a < d; a++) {
      out[offset + a * d + a] = scatter[offset + a * d + a] + regCovar * nk[k];
      if (!full) continue;
      for (let b = a + 1; b < d; b++) {
        out[offset + a * d + b] = scatter[offset + a * d + b];
        out[offset + b * d + a] = scatter[offset + a * d + b];
      }
    }
  }
  return out;
}

/** Two passes: the scatter Σᵢ rᵢₖ (xᵢ−μₖ)(xᵢ−μₖ)ᵀ accumulated around the new means. */
function scatterAroundMeans(
  data: DataMatrix,
  resp: Float64Array,
  K: number,
  means: Float64Array,
  covarianceType: CovarianceType,
): Float64Array {
  const { values, nSamples, nFeatures: d, rowWeights } = data;
  const full = needsFullScatter(covarianceType);
  const scatter = new Float64Array(K * d * d);
  const diff = new Float64Array(d);
  for (let i = 0; i < nSamples; i++) {
    const rowOffset = i * d;
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    for (let k = 0; k < K; k++) {
      const r = resp[i * K + k] * w;
      if (r === 0) continue;
      const meanOffset = k * d;
      for (let a = 0; a < d; a++) diff[a] = values[rowOffset + a] - means[meanOffset + a];
      const sOffset = k * d * d;
      for (let a = 0; a < d; a++) {
        const rda = r * diff[a];
        const sRow = sOffset + a * d;
        if (!full) {
          scatter[sRow + a] += rda * diff[a];
          continue;
        }
        for (let b = a; b < d; b++) scatter[sRow + b] += rda * diff[b];
      }
    }
  }
  return scatter;
}

/**
 * The scatter around the new means μ from the E-step's scatter S around its centres c
 * (the previous means), with δ = μ − c and u = Σ r x − N c:
 *   Σ r (x−μ)(x−μ)ᵀ = S − δuᵀ − uδᵀ + N δδᵀ.
 * Exact algebra, and stable because c is close to μ; it spares a second pass over the rows.
 */
function recentreScatter(
  sums: ResponsibilitySums,
  means: Float64Array,
  K: number,
  d: number,
  covarianceType: CovarianceType,
): Float64Array {
  const full = needsFullScatter(covarianceType);
  const centers = sums.centers!;
  const scatter = new Float64Array(K * d * d);
  const delta = new Float64Array(d);
  const u = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    const n = sums.nk[k];
    for (let a = 0; a < d; a++) {
      delta[a] = means[k * d + a] - centers[k * d + a];
      u[a] = sums.weightedSums[k * d + a] - n * centers[k * d + a];
    }
    const offset = k * d * d;
    for (let a = 0; a < d; a++) {
      for (let b = a; b < (full ? d : a + 1); b++) {
        const e = offset + a * d + b;
        scatter[e] = sums.scatter[e] - delta[a] * u[b] - u[a] * delta[b] + n * delta[a] * delta[b];
      }
    }
  }
  return scatter;
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
