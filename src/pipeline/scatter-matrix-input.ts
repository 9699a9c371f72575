import { basename } from 'node:path';
import { ellipseOutline } from '../engine/ellipse.js';
import { predictMemberships } from '../engine/predict.js';
import { ALL_PAIRS_UP_TO, scatterPairs } from '../engine/separating-pairs.js';
import type { ProfileValue, ScatterMatrixInput } from '../present/report/report-input.js';
import { formatCriterion, formatLogLikelihood } from '../present/text.js';
import type { FittedModel } from './fitted-model.js';

/**
 * Points in all panels of a static scatter matrix, at most: an SVG of 15 panels of 10k
 * points each would be ~27 MB. Beyond it, every few of the plotted rows are drawn.
 */
const STATIC_MATRIX_MARKS = 40_000;

/** "1 · high income · low score": a segment's name in legends and tooltips. */
export function segmentNames(fitted: FittedModel): string[] {
  return fitted.labels.map((label, k) => `${k + 1} · ${label}`);
}

/**
 * The scatter matrix of the modelled columns, in original units: the thinned rows
 * (prepare-data.ts: every stride-th, at most ~10k) with their segments, each
 * component's mean, and its 1σ/2σ ellipses from the 2×2 marginal covariance of each
 * pair shown (engine/separating-pairs.ts picks the pairs). With `details`, each point
 * also carries what the report's tooltip shows: its row number, its membership
 * probabilities (an E-step over the plotted rows only) and its --profile values.
 */
export function scatterMatrixInput(fitted: FittedModel, details: boolean): ScatterMatrixInput {
  const { prepared, scored, meansOriginal, covariancesOriginal } = fitted;
  const { data, plotSample, columns, source } = prepared;
  const { parameters } = scored.fit;
  const { nComponents: K, covarianceType } = parameters;
  const d = data.nFeatures;
  const pairs = scatterPairs(parameters.means, parameters.covariances, parameters.weights, d);
  const plotted = plotSample.values.length / d;
  // A static matrix of many panels draws every `step`-th of the plotted rows.
  const step = details ? 1 : Math.max(1, Math.ceil((plotted * pairs.length) / STATIC_MATRIX_MARKS));
  const stride = plotSample.stride * step;
  const m = Math.ceil(plotted / step);
  const values = new Float64Array(m * d);
  const segments = new Int32Array(m);
  for (let s = 0; s < m; s++) {
    values.set(plotSample.values.subarray(s * step * d, (s * step + 1) * d), s * d);
    segments[s] = fitted.rows.labels[s * stride];
  }

  const ellipses: ScatterMatrixInput['ellipses'][number][] = [];
  pairs.forEach(([a, b], pair) => {
    for (let k = 0; k < K; k++) {
      const at = (i: number, j: number) => covariancesOriginal[k * d * d + i * d + j];
      const mean: [number, number] = [meansOriginal[k * d + a], meansOriginal[k * d + b]];
      const sub = [at(a, a), at(a, b), at(b, a), at(b, b)];
      for (const sigma of [1, 2] as const) {
        ellipses.push({ pair, segment: k, sigma, outline: ellipseOutline(mean, sub, sigma) });
      }
    }
  });

  const thinned = stride > 1 ? ` Every ${stride}th of the ${data.nSamples} rows is shown.` : '';
  return {
    title: `${basename(source)}: ${K} segments`,
    subtitle:
      `${covarianceType} covariance · log-likelihood ${formatLogLikelihood(scored.criteria.logLikelihood)} · ` +
      `BIC ${formatCriterion(scored.criteria.bic)} · ellipses at 1σ and 2σ · + marks each mean.${thinned}`,
    thinning: thinned.trim(),
    columns: columns.map((c) => c.name),
    pairs,
    allPairs: d <= ALL_PAIRS_UP_TO,
    segmentNames: segmentNames(fitted),
    points: {
      values,
      segments,
      ...(details ? { details: pointDetails(fitted, m, stride) } : {}),
    },
    means: meansOriginal,
    ellipses,
  };
}

function pointDetails(fitted: FittedModel, m: number, stride: number) {
  const { prepared, scored } = fitted;
  const { data, dropped, nRows } = prepared;
  const d = data.nFeatures;
  // The plotted rows' scaled values: every stride-th row of the fitted matrix.
  const sample = new Float64Array(m * d);
  for (let s = 0; s < m; s++) {
    sample.set(data.values.subarray(s * stride * d, (s * stride + 1) * d), s * d);
  }
  const memberships = predictMemberships(
    { values: sample, nSamples: m, nFeatures: d },
    scored.fit.parameters,
  );
  const rowNumbers = Int32Array.from(
    inputRowNumbers(
      dropped,
      nRows,
      Array.from({ length: m }, (_, s) => s * stride),
    ),
  );
  const profiles = prepared.profiles.map((profile) => {
    const values: ProfileValue[] = [];
    for (let s = 0; s < m; s++) {
      if (profile.kind === 'numeric') {
        const value = profile.values[s * stride];
        values.push(Number.isNaN(value) ? null : value);
      } else {
        values.push(profile.names[profile.codes[s * stride]]);
      }
    }
    return { name: profile.column.name, values };
  });
  return {
    rowNumbers,
    probabilities: memberships.resp,
    certainty: memberships.certainty,
    profiles,
  };
}

/**
 * The 1-based input row numbers of kept rows given by their 0-based index among the kept
 * rows (rows dropped by --missing drop are skipped in the count). One pass over the rows.
 */
export function inputRowNumbers(
  dropped: Uint8Array | undefined,
  nRows: number,
  keptIndexes: readonly number[],
): number[] {
  if (dropped === undefined) return keptIndexes.map((i) => i + 1);
  const order = keptIndexes.map((_, i) => i).sort((a, b) => keptIndexes[a] - keptIndexes[b]);
  const out = new Array<number>(keptIndexes.length);
  let next = 0;
  for (let r = 0, kept = 0; r < nRows && next < order.length; r++) {
    if (dropped[r] === 1) continue;
    while (next < order.length && keptIndexes[order[next]] === kept) out[order[next++]] = r + 1;
    kept++;
  }
  return out;
}
