import { profileMeans, profileShares, segmentStats } from '../engine/describe-segments.js';
import { mclustName } from '../engine/model-names.js';
import { effectiveRows } from '../engine/types.js';
import type { FitSummary, ProfileCell } from '../present/summary.js';
import type { FittedModel } from './fitted-model.js';

/** What the summary shows of a fitted model: the fit's numbers and one line per segment. */
export function fitSummary(fitted: FittedModel): FitSummary {
  const { prepared, scored, selection, rows } = fitted;
  const { fit, criteria } = scored;
  const { nComponents: K, nFeatures: d, covarianceType } = fit.parameters;
  const weights = prepared.data.rowWeights;
  const stats = segmentStats(rows.labels, rows.certainty, K, weights);
  const profiles: ProfileCell[][] = Array.from({ length: K }, () => []);
  for (const profile of prepared.profiles) {
    if (profile.kind === 'numeric') {
      profileMeans(rows.labels, profile.values, K, weights).forEach((value, k) =>
        profiles[k].push({ kind: 'mean', value }),
      );
    } else {
      profileShares(rows.labels, profile.codes, profile.names, K, weights).forEach((shares, k) =>
        profiles[k].push({ kind: 'shares', shares }),
      );
    }
  }
  const sameStructure = selection?.cells.filter((cell) => cell.covarianceType === covarianceType);
  return {
    source: prepared.source,
    nSamples: prepared.data.nSamples,
    nDropped: prepared.droppedRows,
    weights:
      prepared.weightColumn === undefined
        ? undefined
        : { column: prepared.weightColumn.name, total: effectiveRows(prepared.data) },
    missingCells:
      prepared.missingCells === undefined
        ? undefined
        : {
            rows: prepared.missingCells.rows,
            perColumn: prepared.columns.map((c, j) => ({
              column: c.name,
              cells: prepared.missingCells!.perColumn[j],
            })),
          },
    columns: prepared.columns.map((c) => c.name),
    profileColumns: prepared.profiles.map((p) => p.column.name),
    nComponents: K,
    covarianceType,
    mclustName: mclustName(covarianceType, prepared.data.nFeatures),
    logLikelihood: criteria.logLikelihood,
    logLikelihoodOriginal: fitted.logLikelihoodOriginal,
    bic: criteria.bic,
    aic: criteria.aic,
    icl: criteria.icl,
    nParameters: criteria.nParameters,
    iterations: fit.iterations,
    converged: fit.converged,
    nInit: fit.starts.length,
    splitMergeMoves: fit.moves,
    selection:
      selection === undefined || sameStructure === undefined
        ? undefined
        : {
            criterion: selection.criterion,
            candidates: sameStructure.map((cell) => ({
              nComponents: cell.nComponents,
              value: cell.result?.criteria[selection.criterion],
              failure: cell.failure,
            })),
            chosen: K,
          },
    segments: Array.from({ length: K }, (_, k) => ({
      segment: k + 1,
      label: fitted.labels[k],
      count: stats[k].count,
      share: stats[k].share,
      weight: fit.parameters.weights[k],
      means: Array.from(fitted.meansOriginal.subarray(k * d, (k + 1) * d)),
      certainty: stats[k].meanCertainty,
      profiles: profiles[k],
    })),
  };
}
