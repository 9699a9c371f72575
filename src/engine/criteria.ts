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
 * ICL = BIC − 2 Σᵢ log zᵢ,c(i), where c(i) is row i's MAP component, so zᵢ,c(i) is its
 * largest membership probability. certainty: n.
 */
export function integratedCompletedLikelihood(bic: number, certainty: ArrayLike<number>): number {
  let entropyTerm = 0;
  for (let i = 0; i < certainty.length; i++) entropyTerm += Math.log(certainty[i]);
  return integratedCompletedLikelihoodFromSum(bic, entropyTerm);
}

/** ICL from Σᵢ log zᵢ,c(i) already summed (scoreRows sums it a block at a time). */
export function integratedCompletedLikelihoodFromSum(bic: number, sumLogCertainty: number): number {
  return bic - 2 * sumLogCertainty;
}
