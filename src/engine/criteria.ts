/**
 * Model-selection criteria, lower is better (scikit-learn's sign; mclust reports
 * BIC with the opposite sign, as 2ℓ − p ln n).
 */

export function bayesianInformationCriterion(
  logLikelihood: number,
  nParameters: number,
  nSamples: number,
): number {
  return -2 * logLikelihood + nParameters * Math.log(nSamples);
}

export function akaikeInformationCriterion(logLikelihood: number, nParameters: number): number {
  return -2 * logLikelihood + 2 * nParameters;
}

/**
 * ICL = BIC − 2 Σᵢ log zᵢ,c(i), where c(i) is row i's MAP component.
 * resp: n×K responsibilities.
 */
export function integratedCompletedLikelihood(
  bic: number,
  resp: Float64Array,
  nSamples: number,
  nComponents: number,
): number {
  let entropyTerm = 0;
  for (let i = 0; i < nSamples; i++) {
    let best = 0;
    for (let k = 0; k < nComponents; k++) {
      const r = resp[i * nComponents + k];
      if (r > best) best = r;
    }
    entropyTerm += Math.log(best);
  }
  return bic - 2 * entropyTerm;
}
