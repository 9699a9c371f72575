import { columnVariances } from './collapse.js';
import { runStartTask, type EmSettings, type StartRun } from './em.js';
import { Random } from './random.js';
import type { DataMatrix, MixtureParameters } from './types.js';

/**
 * Multi-start search on large data runs every start on a random subsample, then
 * refines the best few on all rows: the starts explore, the refinement converges.
 * Data no larger than the subsample are searched whole (the Mall data, for instance).
 */
export const MIN_SEARCH_ROWS = 5000;

/** Search starts refined on all rows, best first. */
export const REFINED_STARTS = 3;

/** Distinguishes the subsample's random stream from the starts' (seed, K, type, start). */
const SUBSAMPLE_STREAM = 0x5b5a;

/** Rows the search uses: at least 20 per free parameter of one component, and MIN_SEARCH_ROWS. */
export function searchRowCount(nComponents: number, nFeatures: number): number {
  const perComponent = nFeatures + (nFeatures * (nFeatures + 1)) / 2;
  return Math.max(MIN_SEARCH_ROWS, 20 * nComponents * perComponent);
}

/** `rows` distinct rows drawn without replacement (Floyd's algorithm), kept in file order. */
export function subsampleRows(data: DataMatrix, rows: number, seed: number): DataMatrix {
  const { nSamples: n, nFeatures: d, values } = data;
  const random = new Random(seed, SUBSAMPLE_STREAM, rows);
  const chosen = new Set<number>();
  for (let j = n - rows; j < n; j++) {
    const t = random.nextInt(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  const indexes = Int32Array.from(chosen).sort();
  const subsample = new Float64Array(rows * d);
  indexes.forEach((row, i) => subsample.set(values.subarray(row * d, row * d + d), i * d));
  return { values: subsample, nSamples: rows, nFeatures: d };
}

/** One EM run to do: a search start, or (with `initial`) the refinement of one on all rows. */
export interface StartTask {
  readonly nComponents: number;
  readonly covarianceType: EmSettings['covarianceType'];
  readonly start: number;
  readonly initial?: MixtureParameters;
}

/**
 * Runs tasks against one data set, keeping the subsamples and column variances it
 * needs between tasks. Used alike on the main thread and in workers, so a task gives
 * the same StartRun wherever it runs.
 */
export function createTaskExecutor(
  data: DataMatrix,
  settings: Omit<EmSettings, 'nComponents' | 'covarianceType'>,
): (task: StartTask) => StartRun {
  const cache = new Map<number, { data: DataMatrix; variances: Float64Array }>();
  const prepared = (rows: number) => {
    let entry = cache.get(rows);
    if (entry === undefined) {
      const subset = rows >= data.nSamples ? data : subsampleRows(data, rows, settings.seed);
      entry = {
        data: subset,
        variances: columnVariances(subset.values, subset.nSamples, subset.nFeatures),
      };
      cache.set(rows, entry);
    }
    return entry;
  };
  return (task) => {
    const modelSettings = {
      ...settings,
      nComponents: task.nComponents,
      covarianceType: task.covarianceType,
    };
    if (task.initial !== undefined) {
      const all = prepared(data.nSamples);
      return runStartTask(all.data, modelSettings, task.start, all.variances, task.initial);
    }
    const search = prepared(
      Math.min(data.nSamples, searchRowCount(task.nComponents, data.nFeatures)),
    );
    return runStartTask(search.data, modelSettings, task.start, search.variances);
  };
}
