import {
  akaikeInformationCriterion,
  bayesianInformationCriterion,
  integratedCompletedLikelihood,
} from './criteria.js';
import { fitMixture, type EmSettings, type MixtureFit } from './em.js';
import { NumericError } from './numeric-error.js';
import { freeParameterCount } from './parameter-count.js';
import { predictMemberships, type Memberships } from './predict.js';
import type { CovarianceType, DataMatrix } from './types.js';

export type Criterion = 'bic' | 'aic' | 'icl';

/** One fitted model with the numbers users compare. */
export interface ScoredFit {
  readonly fit: MixtureFit;
  readonly memberships: Memberships;
  readonly nParameters: number;
  readonly bic: number;
  readonly aic: number;
  readonly icl: number;
}

/** A cell of a sweep over K × covariance type: a scored fit, or why there is none. */
export interface SweepCell {
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  readonly result: ScoredFit | undefined;
  readonly failure: string | undefined;
}

/** Fits one model and adds ℓ-based criteria, from the memberships of the final E-step. */
export function fitAndScore(data: DataMatrix, settings: EmSettings): ScoredFit {
  const fit = fitMixture(data, settings);
  const memberships = predictMemberships(data, fit.parameters);
  const { nSamples, nFeatures } = data;
  const nParameters = freeParameterCount(settings.covarianceType, settings.nComponents, nFeatures);
  const logLikelihood = memberships.logLikelihood;
  const bic = bayesianInformationCriterion(logLikelihood, nParameters, nSamples);
  return {
    fit,
    memberships,
    nParameters,
    bic,
    aic: akaikeInformationCriterion(logLikelihood, nParameters),
    icl: integratedCompletedLikelihood(bic, memberships.resp, nSamples, settings.nComponents),
  };
}

/**
 * Fits every K × covariance type. A cell whose every start fails is kept with its
 * reason and the sweep goes on.
 */
export function sweepModels(
  data: DataMatrix,
  componentCounts: readonly number[],
  covarianceTypes: readonly CovarianceType[],
  settings: Omit<EmSettings, 'nComponents' | 'covarianceType'>,
): SweepCell[] {
  const cells: SweepCell[] = [];
  for (const covarianceType of covarianceTypes) {
    for (const nComponents of componentCounts) {
      if (nComponents > data.nSamples) {
        cells.push({
          nComponents,
          covarianceType,
          result: undefined,
          failure: `more components than rows (${data.nSamples})`,
        });
        continue;
      }
      try {
        const result = fitAndScore(data, { ...settings, nComponents, covarianceType });
        cells.push({ nComponents, covarianceType, result, failure: undefined });
      } catch (error) {
        if (!(error instanceof NumericError)) throw error;
        cells.push({ nComponents, covarianceType, result: undefined, failure: error.message });
      }
    }
  }
  return cells;
}

export function criterionValue(result: ScoredFit, criterion: Criterion): number {
  return result[criterion];
}

/** The cell with the lowest criterion (first on ties), or undefined when every cell failed. */
export function bestCell(cells: readonly SweepCell[], criterion: Criterion): SweepCell | undefined {
  let best: SweepCell | undefined;
  for (const cell of cells) {
    if (cell.result === undefined) continue;
    if (
      best === undefined ||
      criterionValue(cell.result, criterion) < criterionValue(best.result!, criterion)
    ) {
      best = cell;
    }
  }
  return best;
}
