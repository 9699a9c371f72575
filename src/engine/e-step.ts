import { expectationKernel } from './kernels.js';
import { missingExpectation } from './missing-e-step.js';
import type { PrecisionFactors } from './precision.js';
import type { DataMatrix } from './types.js';
import { GmmError } from '../errors.js';

/** Sums the M-step needs, gathered in the same pass as the responsibilities. */
export interface ResponsibilitySums {
  /** K: Σᵢ rᵢₖ */
  readonly nk: Float64Array;
  /** K×d: Σᵢ rᵢₖ xᵢ */
  readonly weightedSums: Float64Array;
  /**
   * K×d×d, upper triangle: Σᵢ rᵢₖ (xᵢ − cₖ)(xᵢ − cₖ)ᵀ around `centers` (the means of
   * the E-step's parameters); only the diagonal for diag and spherical. For tied
   * (`pooled`), only the first d×d: the total scatter Σᵢ (xᵢ − c₁)(xᵢ − c₁)ᵀ around the
   * first centre, from which the M-step takes the pooled within-component scatter.
   */
  readonly scatter: Float64Array;
  /** K×d: cₖ, or undefined when `scatter` was not gathered. */
  centers: Float64Array | undefined;
  /** True when `scatter` holds the total scatter (tied), false when per component. */
  pooled: boolean;
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
    pooled: false,
  };
}

/** Zeroes `sums` for an E-step with `factors`, which says how the scatter is gathered. */
export function beginSums(sums: ResponsibilitySums, factors: PrecisionFactors): void {
  sums.nk.fill(0);
  sums.weightedSums.fill(0);
  sums.scatter.fill(0);
  sums.centers = factors.means;
  sums.pooled = factors.shape === 'tied';
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
  /**
   * n×d: in each missing cell of a grouped matrix (row-patterns.ts), its conditional
   * mean under the row's posterior, Σₖ rᵢₖ E[x_m | x_o, k]; other cells untouched.
   */
  readonly imputed?: Float64Array;
}

/**
 * Rows are processed in blocks of this many; each block's ℓ and sums start from zero
 * and are added to the totals in block order. Blocks computed on other threads (see
 * parallel/block-pool.ts) therefore give bit-identical results.
 */
export const BLOCK_ROWS = 65_536;

export function blockCount(nSamples: number): number {
  return Math.ceil(nSamples / BLOCK_ROWS);
}

/**
 * The E-step on block `block` alone: rows [block·BLOCK_ROWS, …). `sums`, when given,
 * are zeroed and receive this block's sums; `resp` and `rows` are full-length (n×K, n).
 * In a grouped matrix (row-patterns.ts) the block's complete rows go through the
 * kernels, then its rows with missing cells pattern by pattern (missing-e-step.ts),
 * into the same sums. `firstRow`: where `data` starts in the caller's rows, for
 * messages. Returns the block's ℓ.
 */
export function expectationBlock(
  data: DataMatrix,
  factors: PrecisionFactors,
  block: number,
  resp: Float64Array | null,
  sums: ResponsibilitySums | undefined,
  rows: RowOutputs,
  scratch: Float64Array,
  firstRow = 0,
): number {
  const { values, nSamples, nFeatures: d } = data;
  const K = factors.nComponents;
  const start = block * BLOCK_ROWS;
  const end = Math.min(nSamples, start + BLOCK_ROWS);
  const nComplete = data.missing?.nComplete ?? nSamples;
  // [start, completeEnd): complete rows; [completeEnd, end): rows with missing cells
  const completeEnd = Math.max(start, Math.min(end, nComplete));
  if (sums) beginSums(sums, factors);
  let logLikelihood = 0;
  if (completeEnd > start) {
    const status = new Int32Array(1);
    const weights = data.rowWeights?.subarray(start, completeEnd) ?? null;
    logLikelihood = expectationKernel(d, factors.shape, weights !== null)(
      values.subarray(start * d, completeEnd * d),
      completeEnd - start,
      K,
      factors.invChol,
      factors.means,
      factors.logWeightedNorm,
      resp === null ? null : resp.subarray(start * K, completeEnd * K),
      scratch,
      sums?.nk ?? null,
      sums?.weightedSums ?? null,
      sums?.scatter ?? null,
      rows.logDensity?.subarray(start, completeEnd) ?? null,
      rows.labels?.subarray(start, completeEnd) ?? null,
      rows.certainty?.subarray(start, completeEnd) ?? null,
      status,
      factors.projectedMeans,
      weights,
    );
    if (status[0] !== 0) {
      throw new GmmError(
        'numeric',
        `the density of row ${firstRow + start + status[0]} is not finite under any component`,
      );
    }
  }
  if (end > completeEnd) {
    logLikelihood += missingExpectation(
      data,
      factors,
      resp,
      sums,
      rows,
      rows.imputed,
      completeEnd,
      end,
    );
  }
  return logLikelihood;
}

/** total += block, element by element (nk, Σ r x, scatter). */
export function addSums(
  total: ResponsibilitySums,
  block: Pick<ResponsibilitySums, 'nk' | 'weightedSums' | 'scatter'>,
): void {
  for (let e = 0; e < total.nk.length; e++) total.nk[e] += block.nk[e];
  for (let e = 0; e < total.weightedSums.length; e++)
    total.weightedSums[e] += block.weightedSums[e];
  for (let e = 0; e < total.scatter.length; e++) total.scatter[e] += block.scatter[e];
}

/**
 * E-step over every row: fills `resp` (n×K, unless null) with the membership probabilities
 * rᵢₖ = πₖ N(xᵢ|μₖ,Σₖ) / Σₗ πₗ N(xᵢ|μₗ,Σₗ), normalised by log-sum-exp, and returns
 * the total log-likelihood Σᵢ log Σₖ πₖ N(xᵢ|μₖ,Σₖ). Optionally gathers the M-step's
 * sums (`sums`, zeroed here) and per-row outputs (`rows`). Works block by block
 * (BLOCK_ROWS), the rows with missing cells of a grouped matrix in their blocks too;
 * the row loop is a kernel specialised for d (see kernels.ts).
 */
export function expectationStep(
  data: DataMatrix,
  factors: PrecisionFactors,
  resp: Float64Array | null,
  sums?: ResponsibilitySums,
  rows: RowOutputs = {},
): number {
  if (data.nSamples === 0) {
    if (sums) beginSums(sums, factors);
    return 0;
  }
  const scratch = new Float64Array(factors.nComponents);
  const nBlocks = blockCount(data.nSamples);
  if (nBlocks <= 1) {
    // One block: its sums are the totals (0 + x = x exactly), so no reduction is needed.
    return expectationBlock(data, factors, 0, resp, sums, rows, scratch);
  }
  const blockSums = sums && createResponsibilitySums(factors.nComponents, data.nFeatures);
  if (sums) beginSums(sums, factors);
  let logLikelihood = 0;
  for (let block = 0; block < nBlocks; block++) {
    logLikelihood += expectationBlock(data, factors, block, resp, blockSums, rows, scratch);
    if (sums && blockSums) addSums(sums, blockSums);
  }
  return logLikelihood;
}
