import { modelStructure } from './model-names.js';
import type { CovarianceType } from './types.js';

/**
 * Free covariance parameters of a K-component mixture in d dimensions: mclust's
 * `nVarParams`. A volume costs 1 (equal) or K (variable); a shape d − 1 (|A| = 1)
 * once or K times; an orientation d(d − 1)/2 once or K times; identity costs nothing.
 */
export function covarianceParameterCount(
  covarianceType: CovarianceType,
  nComponents: number,
  nFeatures: number,
): number {
  const K = nComponents;
  const d = nFeatures;
  const { volume, shape, orientation } = modelStructure(covarianceType);
  const times = (letter: 'E' | 'V' | 'I', each: number) =>
    letter === 'I' ? 0 : letter === 'E' ? each : K * each;
  return times(volume, 1) + times(shape, d - 1) + times(orientation, (d * (d - 1)) / 2);
}

/** p = K·d means + (K−1) weights + covariance terms (docs/DESIGN.md). */
export function freeParameterCount(
  covarianceType: CovarianceType,
  nComponents: number,
  nFeatures: number,
): number {
  return (
    nComponents * nFeatures +
    (nComponents - 1) +
    covarianceParameterCount(covarianceType, nComponents, nFeatures)
  );
}
