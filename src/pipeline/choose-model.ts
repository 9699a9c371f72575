import { terminalProgress } from '../terminal/progress.js';
import type { CommandIo } from '../terminal/terminal.js';
import { minimumRowsPerComponent, minimumRowsReason } from '../engine/degeneracy.js';
import { bestCell, sweepModels, type ScoredFit, type SweepCell } from '../engine/select-model.js';
import type { CovarianceType, Criterion, DataMatrix } from '../engine/types.js';
import { plural } from '../present/text.js';
import type { ModelOptions } from './options.js';
import type { SelectionRecord } from './fitted-model.js';
import type { PreparedData } from './prepare-data.js';
import { sweepRunnerWithThreads } from '../parallel/search-pool.js';
import { GmmError } from '../errors.js';

/** What to try when no fit could be made: fewer components, more regularisation, a simpler structure. */
export function failedFitHint(covarianceType: CovarianceType | undefined): string {
  const simpler = covarianceType === 'full' ? ', or --covariance diag' : '';
  return `try fewer components (-k), a larger --reg-covar (e.g. 1e-3)${simpler}`;
}

/** A sweep's cells and the best of them by `criterion`. */
export interface SweepOutcome {
  readonly cells: SweepCell[];
  readonly best: ScoredFit;
  readonly bestIndex: number;
}

/**
 * Fits every K of `componentCounts` × structure with the shared multi-start search,
 * a progress line on stderr, and picks the best cell. `failed` words the error when
 * every cell failed, from the first cell's reason.
 */
export async function sweepAndChoose(
  command: string,
  prepared: PreparedData,
  componentCounts: readonly number[],
  covarianceTypes: readonly CovarianceType[],
  criterion: Criterion,
  options: ModelOptions,
  io: CommandIo,
  failed: (reason: string) => string,
): Promise<SweepOutcome> {
  const cells = await terminalProgress(
    io,
    `gmm ${command}: ${prepared.data.nSamples} rows`,
    options.quiet,
  ).during((progress) =>
    sweepModels(
      fittingData(prepared),
      componentCounts,
      covarianceTypes,
      options,
      sweepRunnerWithThreads(options.threads),
      progress.sweep,
      criterion,
    ),
  );
  const best = bestCell(cells, criterion);
  if (best?.result === undefined) {
    const reason = cells.map((c) => c.failure).find((f) => f !== undefined) ?? 'no candidate';
    const only = covarianceTypes.length === 1 ? covarianceTypes[0] : undefined;
    const fewValued = fewValuedColumns(prepared, Math.min(...componentCounts), reason);
    throw new GmmError(
      'numeric',
      failed(reason),
      fewValued === undefined ? failedFitHint(only) : `${fewValued}; ${failedFitHint(only)}`,
    );
  }
  return { cells, best: best.result, bestIndex: cells.indexOf(best) };
}

/**
 * The modelled columns a collapse names ("collapsed in column j", degeneracy.ts's
 * wording, 1-based) that have no more distinct values than `nComponents`, said as the
 * cause (a component inside one value has zero variance there), or undefined when
 * there are none: a code or a flag among the columns makes every start collapse, and
 * the engine's message knows the column only by number.
 */
function fewValuedColumns(
  prepared: PreparedData,
  nComponents: number,
  reason: string,
): string | undefined {
  const { values, nSamples, nFeatures: d } = prepared.data;
  const blamed = new Set(
    [...reason.matchAll(/collapsed in column (\d+)/g)].map((match) => Number(match[1]) - 1),
  );
  const named: string[] = [];
  prepared.columns.forEach((column, j) => {
    if (!blamed.has(j)) return;
    const seen = new Set<number>();
    for (let row = 0; row < nSamples && seen.size <= nComponents; row++) {
      const value = values[row * d + j];
      if (!Number.isNaN(value)) seen.add(value);
    }
    if (seen.size <= nComponents) {
      named.push(
        `column ${j + 1} "${column.name}" has only ${plural(seen.size, 'distinct value')}`,
      );
    }
  });
  if (named.length === 0) return undefined;
  return `${named.join(', ')}: a component within one value has zero variance there, so leave it out of --cols (or use it as a --profile column)`;
}

/**
 * The rows as the engine fits them: with --missing em, grouped so that complete rows
 * come first and the others by missingness pattern (prepare-data.ts); the fit does not
 * depend on row order, and the outputs read prepared.data in input order.
 */
export function fittingData(prepared: PreparedData): DataMatrix {
  return prepared.grouped?.data ?? prepared.data;
}

/** fit's model: the one K asked for, or the K of lowest BIC when -k is a range or auto. */
export async function chooseModel(
  prepared: PreparedData,
  options: ModelOptions & { readonly covariance: CovarianceType },
  io: CommandIo,
): Promise<{ scored: ScoredFit; selection: SelectionRecord | undefined }> {
  const { components, covariance } = options;
  if (components.kind === 'fixed') checkEnoughRows(prepared, components.nComponents, covariance);
  const { cells, best } = await sweepAndChoose(
    'fit',
    prepared,
    components.kind === 'fixed' ? [components.nComponents] : components.candidates,
    [covariance],
    'bic',
    options,
    io,
    (reason) =>
      components.kind === 'fixed'
        ? reason
        : `no K in ${components.text} gave a usable fit: ${reason}`,
  );
  return {
    scored: best,
    selection: components.kind === 'fixed' ? undefined : { criterion: 'bic', cells },
  };
}

/**
 * K components need K rows, more rows in all than K times what one component needs
 * under the structure (degeneracy.ts: more than d for full, more than one for diag and
 * spherical, none for tied), and K distinct points: short of that every start is
 * refused. Said plainly here rather than after every start failed.
 */
function checkEnoughRows(
  prepared: PreparedData,
  nComponents: number,
  covarianceType: CovarianceType,
): void {
  const { data, source } = prepared;
  const asked = `the ${nComponents} components asked for (-k ${nComponents})`;
  if (data.nSamples < nComponents) {
    throw new GmmError(
      'data',
      `${source}: has ${data.nSamples} rows, fewer than ${asked}`,
      `use -k ${data.nSamples} or fewer`,
    );
  }
  const perComponent = minimumRowsPerComponent(covarianceType, data.nFeatures);
  if (perComponent > 0 && data.nSamples <= nComponents * perComponent) {
    const most = Math.floor((data.nSamples - 1) / perComponent);
    const needs =
      covarianceType === 'full'
        ? `each needs more rows than the ${data.nFeatures} modelled columns`
        : `each needs more than ${plural(perComponent, 'row')} (${minimumRowsReason(covarianceType, data.nFeatures)})`;
    throw new GmmError(
      'data',
      `${source}: has ${data.nSamples} rows, too few for ${asked}: ${needs}`,
      covarianceType === 'full'
        ? `use -k ${most} or fewer, or model fewer columns`
        : `use -k ${most} or fewer`,
    );
  }
  const distinct = countDistinctRows(data.values, data.nFeatures, nComponents);
  if (distinct < nComponents) {
    throw new GmmError(
      'data',
      `${source}: has only ${distinct} distinct rows in the modelled columns, fewer than ${asked}`,
      `use -k ${distinct} or fewer`,
    );
  }
}

/** Distinct rows of an n×d matrix, counted up to `enough` (then it stops looking). */
function countDistinctRows(values: Float64Array, d: number, enough: number): number {
  const seen = new Set<string>();
  for (let start = 0; start < values.length && seen.size < enough; start += d) {
    seen.add(values.subarray(start, start + d).join(','));
  }
  return seen.size;
}
