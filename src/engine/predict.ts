import { BLOCK_ROWS, expectationBlock, expectationStep } from './e-step.js';
import { computePrecisionFactors } from './precision.js';
import type { DataMatrix, MixtureParameters } from './types.js';

export interface Memberships {
  /** n×K membership probabilities. */
  readonly resp: Float64Array;
  /** n: log Σₖ πₖ N(xᵢ | μₖ, Σₖ), in the units of the data given. */
  readonly logDensity: Float64Array;
  /** n: 0-based MAP component (first on ties). */
  readonly labels: Int32Array;
  /** n: the largest membership probability of each row. */
  readonly certainty: Float64Array;
  readonly logLikelihood: number;
}

/** Memberships of each row under a mixture: the final E-step of a fit, and predict. */
export function predictMemberships(data: DataMatrix, parameters: MixtureParameters): Memberships {
  const resp = new Float64Array(data.nSamples * parameters.nComponents);
  return { resp, ...classifyInto(data, parameters, resp) };
}

/** What a fit reports of every row, without the n×K responsibilities (10M rows × K=8 is 640 MB). */
export type RowClasses = Omit<Memberships, 'resp'>;

/** Labels, certainty and log density of each row (no n×K array). */
export function classifyRows(data: DataMatrix, parameters: MixtureParameters): RowClasses {
  return classifyInto(data, parameters, null);
}

function classifyInto(
  data: DataMatrix,
  parameters: MixtureParameters,
  resp: Float64Array | null,
): RowClasses {
  const { nSamples } = data;
  const logDensity = new Float64Array(nSamples);
  const labels = new Int32Array(nSamples);
  const certainty = new Float64Array(nSamples);
  const logLikelihood = expectationStep(
    data,
    computePrecisionFactors(parameters),
    resp,
    undefined,
    {
      logDensity,
      labels,
      certainty,
    },
  );
  return { logDensity, labels, certainty, logLikelihood };
}

/** What criteria need of every row, summed: ℓ and Σᵢ log certaintyᵢ (for ICL). */
export interface RowScore {
  readonly logLikelihood: number;
  readonly sumLogCertainty: number;
}

/**
 * classifyRows reduced to its sums, a block of rows at a time, so a sweep over many
 * K does not make three n-sized arrays per candidate. The same blocks and order of
 * summation as classifyRows, so ℓ is the same to the last bit.
 */
export function scoreRows(data: DataMatrix, parameters: MixtureParameters): RowScore {
  const { values, nSamples, nFeatures: d } = data;
  const factors = computePrecisionFactors(parameters);
  const certainty = new Float64Array(Math.min(BLOCK_ROWS, nSamples));
  const scratch = new Float64Array(parameters.nComponents);
  let logLikelihood = 0;
  let sumLogCertainty = 0;
  for (let start = 0; start < nSamples; start += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, nSamples - start);
    const block = {
      values: values.subarray(start * d, (start + count) * d),
      nSamples: count,
      nFeatures: d,
    };
    logLikelihood += expectationBlock(
      block,
      factors,
      0,
      null,
      undefined,
      { certainty },
      scratch,
      start,
    );
    for (let i = 0; i < count; i++) sumLogCertainty += Math.log(certainty[i]);
  }
  return { logLikelihood, sumLogCertainty };
}
