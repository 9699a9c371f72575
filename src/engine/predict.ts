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
  const { nSamples } = data;
  const K = parameters.nComponents;
  const resp = new Float64Array(nSamples * K);
  const logDensity = new Float64Array(nSamples);
  const logLikelihood = expectationStep(
    data,
    computePrecisionFactors(parameters),
    resp,
    undefined,
    logDensity,
  );
  const labels = new Int32Array(nSamples);
  const certainty = new Float64Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (resp[i * K + k] > resp[i * K + best]) best = k;
    labels[i] = best;
    certainty[i] = resp[i * K + best];
  }
  return { resp, logDensity, labels, certainty, logLikelihood };
}
