import type { CovarianceType } from './types.js';

/** Free covariance parameters of a K-component mixture in d dimensions. */
export function covarianceParameterCount(
  covarianceType: CovarianceType,
  nComponents: number,
  nFeatures: number,
): number {
  const symmetric = (nFeatures * (nFeatures + 1)) / 2;
  switch (covarianceType) {
    case 'full':
      return nComponents * symmetric;
    case 'tied':
      return symmetric;
    case 'diag':
      return nComponents * nFeatures;
    case 'spherical':
      return nComponents;
  }
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
