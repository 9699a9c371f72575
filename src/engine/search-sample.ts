import { dataVariances } from './degeneracy.js';
import type { EmSettings } from './em.js';
import { Random, sampleDistinct } from './random.js';
import { fromNeighbours, searchCell, type CellSearch, type Neighbours } from './search.js';
import { subsetPatterns } from './row-patterns.js';
import { effectiveRows, type CovarianceType, type DataMatrix } from './types.js';

/**
 * Multi-start search on large data runs every start on a random subsample, then
 * refines the best few (KEPT_SOLUTIONS) on all rows: the search explores, the
 * refinement converges (race.ts).
 * Data no larger than the subsample are searched whole (the Mall data, for instance).
 */
export const MIN_SEARCH_ROWS = 5000;

/** The tolerance (per row) of a search on a subsample; see createSearchExecutor. */
export const SUBSAMPLE_TOL = 1e-7;

/** Distinguishes the subsample's random stream from the starts' (seed, K, type, start). */
const SUBSAMPLE_STREAM = 0x5b5a;

/** Rows the search uses: at least 20 per free parameter of one component, and MIN_SEARCH_ROWS. */
export function searchRowCount(nComponents: number, nFeatures: number): number {
  const perComponent = nFeatures + (nFeatures * (nFeatures + 1)) / 2;
  return Math.max(MIN_SEARCH_ROWS, 20 * nComponents * perComponent);
}

/**
 * `rows` distinct rows drawn without replacement (Floyd's algorithm), kept in file
 * order. With row weights, `rows` draws in proportion to weight with replacement (as
 * drawing from the rows repeated wᵢ times); each row drawn keeps how often it was
 * drawn as its weight. Rows grouped by missingness pattern stay grouped.
 */
export function subsampleRows(data: DataMatrix, rows: number, seed: number): DataMatrix {
  const { nSamples: n, nFeatures: d, values, rowWeights } = data;
  const random = new Random(seed, SUBSAMPLE_STREAM, rows);
  let indexes: Int32Array;
  let weights: Float64Array | undefined;
  if (rowWeights === undefined) {
    indexes = Int32Array.from(sampleDistinct(n, rows, random)).sort();
  } else {
    const counts = weightedDraws(rowWeights, rows, random);
    const drawn: number[] = [];
    for (let i = 0; i < n; i++) if (counts[i] > 0) drawn.push(i);
    indexes = Int32Array.from(drawn);
    weights = Float64Array.from(drawn, (i) => counts[i]);
  }
  const subsample = new Float64Array(indexes.length * d);
  indexes.forEach((row, i) => subsample.set(values.subarray(row * d, row * d + d), i * d));
  return {
    values: subsample,
    nSamples: indexes.length,
    nFeatures: d,
    rowWeights: weights,
    missing: data.missing === undefined ? undefined : subsetPatterns(data.missing, indexes),
  };
}

/** How often each row is drawn in `draws` draws with replacement, in proportion to weight. */
function weightedDraws(weights: Float64Array, draws: number, random: Random): Int32Array {
  const n = weights.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += weights[i];
    cumulative[i] = total;
  }
  const counts = new Int32Array(n);
  for (let t = 0; t < draws; t++) {
    const target = random.nextFloat() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]++;
  }
  return counts;
}

/** One model (K, structure) to search. */
export interface CellTask {
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  /**
   * Set for the second stage of a sweep: the model's own search, to be carried on
   * from its neighbours' best solutions (search.ts, fromNeighbours).
   */
  readonly neighbours?: Neighbours & { readonly search: CellSearch };
}

/** Reports a search's short runs done (of total) for the model being searched. */
export type StartsProgress = (done: number, total: number) => void;

/**
 * Searches models against one data set, each on its search sample (all rows when they
 * are few), keeping the subsamples and column variances between tasks. Used alike on
 * the main thread and in workers, so a task gives the same CellSearch wherever it runs.
 */
export function createSearchExecutor(
  data: DataMatrix,
  settings: SweepSettings,
): (task: CellTask, onStarts?: StartsProgress) => CellSearch {
  const cache = new Map<number, { data: DataMatrix; variances: Float64Array }>();
  // Weighted rows count as the rows they stand for (select-model.ts decides alike).
  const effective = Math.round(effectiveRows(data));
  const prepared = (rows: number) => {
    let entry = cache.get(rows);
    if (entry === undefined) {
      const subset = rows >= effective ? data : subsampleRows(data, rows, settings.seed);
      entry = {
        data: subset,
        variances: dataVariances(subset),
      };
      cache.set(rows, entry);
    }
    return entry;
  };
  return (task, onStarts) => {
    const rows = Math.min(effective, searchRowCount(task.nComponents, data.nFeatures));
    const search = prepared(rows);
    // On a subsample the search only ranks solutions for the refinement on all rows,
    // which converges to --tol: ranking needs no more than SUBSAMPLE_TOL.
    const tol = rows < effective ? Math.max(settings.tol, SUBSAMPLE_TOL) : settings.tol;
    const { neighbours, ...model } = task;
    const cellSettings = { ...settings, ...model, tol };
    return neighbours === undefined
      ? searchCell(search.data, cellSettings, search.variances, onStarts, rows >= effective)
      : fromNeighbours(search.data, cellSettings, neighbours.search, neighbours, search.variances);
  };
}

/** The settings a sweep shares across its models. */
export type SweepSettings = Omit<EmSettings, 'nComponents' | 'covarianceType'>;
