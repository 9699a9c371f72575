import { effectiveRows } from '../engine/types.js';
import {
  MODEL_FORMAT,
  MODEL_VERSION,
  toNestedMatrix,
  type ModelDocument,
} from '../io/model-document.js';
import { mclustName } from '../engine/model-names.js';
import { DENSITY_QUANTILE_LEVELS } from '../engine/quantiles.js';
import { TOOL_VERSION } from '../version.js';
import type { FittedModel } from './fitted-model.js';

/** The model JSON (docs/DESIGN.md, "Model JSON"): the fitted model, serialised. */
export function modelDocumentOf(fitted: FittedModel): ModelDocument {
  const { prepared, scored, settings, selection, labels } = fitted;
  const { fit, criteria } = scored;
  const {
    nComponents: K,
    nFeatures: d,
    covarianceType,
    weights,
    means,
    covariances,
  } = fit.parameters;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    columns: prepared.columns.map((c) => c.name),
    scaler: prepared.scaler,
    covarianceType,
    model: mclustName(covarianceType, d),
    components: Array.from({ length: K }, (_, k) => ({
      segment: k + 1,
      label: labels[k],
      weight: weights[k],
      mean: Array.from(means.subarray(k * d, (k + 1) * d)),
      covariance: toNestedMatrix(covariances, d, k * d * d),
      meanOriginal: Array.from(fitted.meansOriginal.subarray(k * d, (k + 1) * d)),
      covarianceOriginal: toNestedMatrix(fitted.covariancesOriginal, d, k * d * d),
    })),
    fit: {
      logLikelihood: criteria.logLikelihood,
      logLikelihoodOriginal: fitted.logLikelihoodOriginal,
      bic: criteria.bic,
      aic: criteria.aic,
      icl: criteria.icl,
      criteriaSign: 'lower is better (scikit-learn); mclust reports BIC with the opposite sign',
      nParameters: criteria.nParameters,
      nSamples: effectiveRows(prepared.data),
      nDropped: prepared.droppedRows,
      iterations: fit.iterations,
      converged: fit.converged,
      nInit: fit.starts.length,
      splitMergeMoves: fit.moves,
      bestStart: fit.bestStart + 1,
      init: settings.init,
      seed: settings.seed,
      tol: settings.tol,
      maxIter: settings.maxIter,
      regCovar: settings.regCovar,
      logLikelihoodTrajectory: fit.trajectory,
    },
    density: {
      levels: [...DENSITY_QUANTILE_LEVELS],
      logDensityQuantiles: fitted.logDensityQuantiles,
    },
    ...(selection === undefined
      ? {}
      : {
          selection: {
            criterion: selection.criterion,
            candidates: selection.cells.map((cell) => ({
              nComponents: cell.nComponents,
              covarianceType: cell.covarianceType,
              logLikelihood: cell.result?.criteria.logLikelihood ?? null,
              bic: cell.result?.criteria.bic ?? null,
              failure: cell.failure ?? null,
            })),
          },
        }),
    tool: { name: 'gmm', version: TOOL_VERSION },
  };
}
