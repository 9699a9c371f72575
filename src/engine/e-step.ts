import { NumericError } from './numeric-error.js';
import type { PrecisionFactors } from './precision.js';
import type { DataMatrix } from './types.js';

/** Below this (log scale, relative to the row's largest term) exp() cannot change the row sum. */
const NEGLIGIBLE_LOG_RATIO = -40;

/** Sums the M-step needs, gathered in the same pass as the responsibilities. */
export interface ResponsibilitySums {
  /** K: Σᵢ rᵢₖ */
  readonly nk: Float64Array;
  /** K×d: Σᵢ rᵢₖ xᵢ */
  readonly weightedSums: Float64Array;
}

export function createResponsibilitySums(
  nComponents: number,
  nFeatures: number,
): ResponsibilitySums {
  return {
    nk: new Float64Array(nComponents),
    weightedSums: new Float64Array(nComponents * nFeatures),
  };
}

/**
 * E-step over every row: fills `resp` (n×K) with the membership probabilities
 * rᵢₖ = πₖ N(xᵢ|μₖ,Σₖ) / Σₗ πₗ N(xᵢ|μₗ,Σₗ), normalised by log-sum-exp, and returns
 * the total log-likelihood Σᵢ log Σₖ πₖ N(xᵢ|μₖ,Σₖ). Optionally gathers the M-step's
 * sums (`sums`, zeroed here) and each row's log density (`logDensity`, n).
 * Allocates nothing per row.
 */
export function expectationStep(
  data: DataMatrix,
  factors: PrecisionFactors,
  resp: Float64Array,
  sums?: ResponsibilitySums,
  logDensity?: Float64Array,
): number {
  const { values, nSamples, nFeatures: d } = data;
  const { nComponents, invChol, shift, logWeightedNorm } = factors;
  const rowTerms = new Float64Array(nComponents);
  const dd = d * d;
  if (sums) {
    sums.nk.fill(0);
    sums.weightedSums.fill(0);
  }
  let logLikelihood = 0;
  for (let i = 0; i < nSamples; i++) {
    const rowOffset = i * d;
    let maxTerm = -Infinity;
    for (let k = 0; k < nComponents; k++) {
      const wOffset = k * dd;
      const sOffset = k * d;
      let mahalanobis = 0;
      for (let j = 0; j < d; j++) {
        const wRow = wOffset + j * d;
        let y = -shift[sOffset + j];
        for (let a = 0; a <= j; a++) y += invChol[wRow + a] * values[rowOffset + a];
        mahalanobis += y * y;
      }
      const term = logWeightedNorm[k] - 0.5 * mahalanobis;
      rowTerms[k] = term;
      if (term > maxTerm) maxTerm = term;
    }
    if (!Number.isFinite(maxTerm)) {
      throw new NumericError(`the density of row ${i + 1} is not finite under any component`);
    }
    let total = 0;
    for (let k = 0; k < nComponents; k++) {
      const delta = rowTerms[k] - maxTerm;
      const e = delta < NEGLIGIBLE_LOG_RATIO ? 0 : Math.exp(delta);
      rowTerms[k] = e;
      total += e;
    }
    const rowLogDensity = maxTerm + Math.log(total);
    logLikelihood += rowLogDensity;
    if (logDensity) logDensity[i] = rowLogDensity;
    const inverseTotal = 1 / total;
    const respOffset = i * nComponents;
    for (let k = 0; k < nComponents; k++) {
      const r = rowTerms[k] * inverseTotal;
      resp[respOffset + k] = r;
      if (sums && r !== 0) {
        sums.nk[k] += r;
        const sumOffset = k * d;
        for (let a = 0; a < d; a++) sums.weightedSums[sumOffset + a] += r * values[rowOffset + a];
      }
    }
  }
  return logLikelihood;
}
