import { basename } from 'node:path';
import { certaintyHistogram, leastCertainRows } from '../engine/certainty-summary.js';
import { profileMeans, profileShares } from '../engine/describe-segments.js';
import { predictMemberships } from '../engine/predict.js';
import type {
  CategoryProfile,
  NumericProfile,
  ReportInput,
  SweepInput,
} from '../present/report/report-input.js';
import { TOOL_VERSION } from '../version.js';
import { criterionPlotInput } from './criterion-plot-input.js';
import { fitSummary } from './fit-summary.js';
import type { FittedModel } from './fitted-model.js';
import type { ModelOptions } from './options.js';
import type { PreparedData } from './prepare-data.js';
import { inputRowNumbers, scatterMatrixInput, segmentNames } from './scatter-matrix-input.js';

/** Bins of the certainty histogram over [0, 1]. */
const CERTAINTY_BINS = 20;
/** Rows listed as least certain. */
const LEAST_CERTAIN_ROWS = 10;
/** Categories shown per --profile column; the rest are one "other" bar piece. */
const MAX_CATEGORIES = 9;
const OTHER_CATEGORIES = '(other categories)';

/** Everything the HTML report shows of a fitted model, computed here; report-html.ts lays it out. */
export function reportInputOf(
  fitted: FittedModel,
  options: ModelOptions & { readonly covariance: string | readonly string[] },
  commandLine: string,
): ReportInput {
  const { prepared } = fitted;
  const K = fitted.scored.fit.parameters.nComponents;
  return {
    title: `${basename(prepared.source)}: ${K} segments`,
    summary: fitSummary(fitted),
    segmentNames: segmentNames(fitted),
    scatter: scatterMatrixInput(fitted, true),
    profiles: {
      numeric: numericProfiles(fitted),
      categorical: prepared.profiles.flatMap((profile) =>
        profile.kind === 'categorical'
          ? [
              categoryProfile(
                profile.column.name,
                profile.codes,
                profile.names,
                fitted.rows.labels,
                K,
                prepared.data.rowWeights,
              ),
            ]
          : [],
      ),
    },
    certainty: certaintyInput(fitted),
    sweep: sweepInput(fitted),
    settings: {
      commandLine,
      version: TOOL_VERSION,
      entries: settingEntries(prepared, fitted, options),
    },
  };
}

/** Modelled columns (component means, as the summary) then numeric --profile columns (row means). */
function numericProfiles(fitted: FittedModel): NumericProfile[] {
  const { prepared, meansOriginal, rows } = fitted;
  const K = fitted.scored.fit.parameters.nComponents;
  const d = prepared.columns.length;
  const modelled = prepared.columns.map((column, j) => ({
    column: column.name,
    modelled: true,
    overall: prepared.moments[j].mean,
    means: Array.from({ length: K }, (_, k) => meansOriginal[k * d + j]),
  }));
  const profiles = prepared.profiles.flatMap((profile) => {
    if (profile.kind !== 'numeric') return [];
    const weights = prepared.data.rowWeights;
    const [overall] = profileMeans(
      new Int32Array(profile.values.length),
      profile.values,
      1,
      weights,
    );
    return [
      {
        column: profile.column.name,
        modelled: false,
        overall,
        means: profileMeans(rows.labels, profile.values, K, weights),
      },
    ];
  });
  return [...modelled, ...profiles];
}

/**
 * Each segment's category shares and those of all rows (as segment K), as stacked bar
 * pieces; beyond MAX_CATEGORIES + 1 categories, the least common overall are one piece.
 */
export function categoryProfile(
  column: string,
  codes: Int32Array,
  names: readonly string[],
  labels: Int32Array,
  K: number,
  rowWeights?: Float64Array,
): CategoryProfile {
  const perSegment = profileShares(labels, codes, names, K, rowWeights);
  const [overall] = profileShares(new Int32Array(labels.length), codes, names, 1, rowWeights);
  const shown =
    overall.length <= MAX_CATEGORIES + 1
      ? overall.map((s) => s.category)
      : [...overall.slice(0, MAX_CATEGORIES).map((s) => s.category), OTHER_CATEGORIES];
  const position = new Map(shown.map((category, i) => [category, i]));
  const otherIndex = shown.length - 1;
  const cells: CategoryProfile['cells'][number][] = [];
  [...perSegment, overall].forEach((shares, segment) => {
    const totals = new Float64Array(shown.length);
    for (const { category, share } of shares) {
      totals[position.get(category) ?? otherIndex] += share;
    }
    let start = 0;
    totals.forEach((share, category) => {
      if (share === 0) return;
      cells.push({ segment, category, share, start, end: start + share });
      start += share;
    });
  });
  return { column, categories: shown, cells };
}

function certaintyInput(fitted: FittedModel): ReportInput['certainty'] {
  const { prepared, rows, scored } = fitted;
  const { data, scaler } = prepared;
  const d = data.nFeatures;
  const K = scored.fit.parameters.nComponents;
  const counts = certaintyHistogram(rows.certainty, CERTAINTY_BINS);
  const bins = Array.from(counts, (count, b) => ({
    low: b / CERTAINTY_BINS,
    high: (b + 1) / CERTAINTY_BINS,
    rows: count,
  }));
  const least = leastCertainRows(rows.certainty, LEAST_CERTAIN_ROWS);
  const sample = new Float64Array(least.length * d);
  least.forEach((i, s) => sample.set(data.values.subarray(i * d, (i + 1) * d), s * d));
  const { resp } = predictMemberships(
    { values: sample, nSamples: least.length, nFeatures: d },
    scored.fit.parameters,
  );
  const rowNumbers = inputRowNumbers(prepared.dropped, prepared.nRows, least);
  return {
    bins,
    leastCertain: least.map((i, s) => ({
      rowNumber: rowNumbers[s],
      segment: rows.labels[i],
      certainty: rows.certainty[i],
      probabilities: Array.from(resp.subarray(s * K, (s + 1) * K)),
      values: Array.from(
        { length: d },
        (_, j) => scaler.center[j] + scaler.scale[j] * sample[s * d + j],
      ),
    })),
  };
}

function sweepInput(fitted: FittedModel): SweepInput | undefined {
  const { selection, prepared, scored } = fitted;
  if (selection === undefined) return undefined;
  const { criterion } = selection;
  const structures = [...new Set(selection.cells.map((c) => c.covarianceType))];
  const componentCounts = [...new Set(selection.cells.map((c) => c.nComponents))];
  const cells = selection.cells.map((cell) => ({
    nComponents: cell.nComponents,
    structure: cell.covarianceType,
    value: cell.result?.criteria[criterion] ?? null,
    stoppedEarly: cell.stoppedEarly,
    chosen:
      cell.nComponents === scored.fit.parameters.nComponents &&
      cell.covarianceType === scored.fit.parameters.covarianceType,
  }));
  const best = cells.find((c) => c.chosen)!;
  return {
    criterion,
    structures,
    componentCounts,
    cells,
    plot: criterionPlotInput(
      '',
      prepared.columns.map((c) => c.name),
      criterion,
      structures,
      cells,
      { k: best.nComponents, value: scored.criteria[criterion], structure: best.structure },
      'chosen',
    ),
  };
}

function settingEntries(
  prepared: PreparedData,
  fitted: FittedModel,
  options: ModelOptions & { readonly covariance: string | readonly string[] },
): { name: string; value: string }[] {
  const { settings } = fitted;
  const components = options.components;
  return [
    { name: 'input', value: prepared.source },
    { name: 'rows used', value: String(prepared.data.nSamples) },
    { name: 'rows dropped (--missing)', value: `${prepared.droppedRows} (${options.missing})` },
    { name: 'modelled columns', value: prepared.columns.map((c) => c.name).join(', ') },
    {
      name: 'profile columns',
      value:
        prepared.profiles.length === 0
          ? 'none'
          : prepared.profiles.map((p) => p.column.name).join(', '),
    },
    { name: 'scaling', value: options.scale },
    {
      name: 'covariance asked',
      value:
        typeof options.covariance === 'string' ? options.covariance : options.covariance.join(', '),
    },
    {
      name: 'K asked',
      value: components.kind === 'fixed' ? String(components.nComponents) : components.text,
    },
    { name: 'init', value: settings.init },
    { name: 'n-init', value: String(settings.nInit) },
    { name: 'seed', value: String(settings.seed) },
    { name: 'tol (per row)', value: String(settings.tol) },
    { name: 'max-iter', value: String(settings.maxIter) },
    { name: 'reg-covar', value: String(settings.regCovar) },
  ];
}
