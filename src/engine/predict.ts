import { expectationStep } from './e-step.js';
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
