import { expectationKernel } from './kernels.js';
import { NumericError } from './numeric-error.js';
import type { PrecisionFactors } from './precision.js';
import type { DataMatrix } from './types.js';

/** Sums the M-step needs, gathered in the same pass as the responsibilities. */
export interface ResponsibilitySums {
  /** K: Σᵢ rᵢₖ */
  readonly nk: Float64Array;
  /** K×d: Σᵢ rᵢₖ xᵢ */
  readonly weightedSums: Float64Array;
  /**
   * K×d×d, upper triangle: Σᵢ rᵢₖ (xᵢ − cₖ)(xᵢ − cₖ)ᵀ around `centers` (the means of
   * the E-step's parameters); only the diagonal for diag and spherical.
   */
  readonly scatter: Float64Array;
  /** K×d: cₖ, or undefined when `scatter` was not gathered. */
  centers: Float64Array | undefined;
}

export function createResponsibilitySums(
  nComponents: number,
  nFeatures: number,
): ResponsibilitySums {
  return {
    nk: new Float64Array(nComponents),
    weightedSums: new Float64Array(nComponents * nFeatures),
    scatter: new Float64Array(nComponents * nFeatures * nFeatures),
    centers: undefined,
  };
}

/**
 * E-step over every row: fills `resp` (n×K, unless null) with the membership probabilities
 * rᵢₖ = πₖ N(xᵢ|μₖ,Σₖ) / Σₗ πₗ N(xᵢ|μₗ,Σₗ), normalised by log-sum-exp, and returns
 * the total log-likelihood Σᵢ log Σₖ πₖ N(xᵢ|μₖ,Σₖ). Optionally gathers the M-step's
 * sums (`sums`, zeroed here) and per-row outputs (`rows`).
 * The row loop is a kernel specialised for d (see kernels.ts); nothing is allocated per row.
 */
/** Per-row results an E-step can write besides the responsibilities (each n, optional). */
export interface RowOutputs {
  readonly logDensity?: Float64Array;
  /** 0-based most likely component, first on ties. */
  readonly labels?: Int32Array;
  /** The largest membership probability. */
  readonly certainty?: Float64Array;
}

export function expectationStep(
  data: DataMatrix,
  factors: PrecisionFactors,
  resp: Float64Array | null,
  sums?: ResponsibilitySums,
  rows: RowOutputs = {},
): number {
  const { values, nSamples, nFeatures: d } = data;
  const { nComponents } = factors;
  if (sums) {
    sums.nk.fill(0);
    sums.weightedSums.fill(0);
    sums.scatter.fill(0);
    sums.centers = factors.means;
  }
  const status = new Int32Array(1);
  const logLikelihood = expectationKernel(d, factors.shape)(
    values,
    nSamples,
    nComponents,
    factors.invChol,
    factors.means,
    factors.logWeightedNorm,
    resp,
    new Float64Array(nComponents),
    sums?.nk ?? null,
    sums?.weightedSums ?? null,
    sums?.scatter ?? null,
    rows.logDensity ?? null,
    rows.labels ?? null,
    rows.certainty ?? null,
    status,
  );
  if (status[0] !== 0) {
    throw new NumericError(`the density of row ${status[0]} is not finite under any component`);
  }
  return logLikelihood;
}
