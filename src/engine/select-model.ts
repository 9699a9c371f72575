import {
  akaikeInformationCriterion,
  bayesianInformationCriterion,
  integratedCompletedLikelihoodFromSum,
} from './criteria.js';
import { combineStarts, type EmSettings, type MixtureFit, type StartRun } from './em.js';
import { NumericError } from './numeric-error.js';
import { freeParameterCount } from './parameter-count.js';
import { scoreRows } from './predict.js';
import {
  createTaskExecutor,
  REFINED_STARTS,
  searchRowCount,
  type StartTask,
} from './search-sample.js';
import type { CovarianceType, Criterion, DataMatrix } from './types.js';

export type { StartTask } from './search-sample.js';

export { CRITERIA, type Criterion } from './types.js';

/** The numbers users compare, from the final E-step on the ordered components. */
export interface FitCriteria {
  readonly logLikelihood: number;
  readonly nParameters: number;
  readonly bic: number;
  readonly aic: number;
  readonly icl: number;
}

export interface ScoredFit {
  readonly fit: MixtureFit;
  readonly criteria: FitCriteria;
}

/** A cell of a sweep over K × covariance type: a scored fit, or why there is none. */
export interface SweepCell {
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  readonly result: ScoredFit | undefined;
  readonly failure: string | undefined;
}

export type SweepSettings = Omit<EmSettings, 'nComponents' | 'covarianceType'>;

/**
 * Runs EM starts, in any order or in parallel, and returns one StartRun per task in
 * task order. Every start is deterministic (its own random stream), so the runner
 * cannot change a result.
 */
export type StartRunner = (
  data: DataMatrix,
  settings: SweepSettings,
  tasks: readonly StartTask[],
  onProgress?: StartProgress,
) => Promise<StartRun[]>;

/**
 * Starts done of `total`; a runner that refines a start on all rows also says, after
 * each of its E-steps, which iteration the running start is at and its ℓ.
 */
export type StartProgress = (done: number, total: number, running?: RunningStart) => void;

/** The start being refined on all rows: the E-steps it has done, and its ℓ after the last. */
export interface RunningStart {
  readonly iteration: number;
  readonly logLikelihood: number;
}

/** Where a sweep is: searching (all starts, on a subsample when large) or refining on all rows. */
export interface SweepProgress {
  readonly phase: 'search' | 'refine';
  readonly done: number;
  readonly total: number;
  readonly running?: RunningStart;
}

/** The runner that runs every start here, one after another. */
export const runStartsInline: StartRunner = async (data, settings, tasks, onProgress) => {
  const execute = createTaskExecutor(data, settings);
  return tasks.map((task, index) => {
    const run = execute(task);
    onProgress?.(index + 1, tasks.length);
    return run;
  });
};

/** Criteria of a fit, from one E-step on its ordered components. */
export function scoreFit(data: DataMatrix, fit: MixtureFit): FitCriteria {
  const { nSamples, nFeatures } = data;
  const { nComponents, covarianceType } = fit.parameters;
  const { logLikelihood, sumLogCertainty } = scoreRows(data, fit.parameters);
  const nParameters = freeParameterCount(covarianceType, nComponents, nFeatures);
  const bic = bayesianInformationCriterion(logLikelihood, nParameters, nSamples);
  return {
    logLikelihood,
    nParameters,
    bic,
    aic: akaikeInformationCriterion(logLikelihood, nParameters),
    icl: integratedCompletedLikelihoodFromSum(bic, sumLogCertainty),
  };
}

/**
 * Fits every K × covariance type: nInit search starts each (on a subsample when the
 * data are large, see search-sample.ts), the best REFINED_STARTS of them continued on
 * all rows, the best result kept. A cell whose every start fails keeps its reason and
 * the sweep goes on. Cells come back ordered by covariance type, then K.
 */
export async function sweepModels(
  data: DataMatrix,
  componentCounts: readonly number[],
  covarianceTypes: readonly CovarianceType[],
  settings: SweepSettings,
  runner: StartRunner = runStartsInline,
  onProgress?: (progress: SweepProgress) => void,
): Promise<SweepCell[]> {
  const progressOf =
    (phase: SweepProgress['phase']): StartProgress =>
    (done, total, running) =>
      onProgress?.({ phase, done, total, running });
  const models = covarianceTypes.flatMap((covarianceType) =>
    componentCounts.map((nComponents) => ({ nComponents, covarianceType })),
  );
  const runnable = models.filter((m) => m.nComponents <= data.nSamples);
  const searchTasks = runnable.flatMap((model) =>
    Array.from({ length: settings.nInit }, (_, start) => ({ ...model, start })),
  );
  const searchRuns = await runner(data, settings, searchTasks, progressOf('search'));
  const runsOf = (model: (typeof models)[number], tasks: readonly StartTask[], runs: StartRun[]) =>
    runs.filter(
      (_, t) =>
        tasks[t].nComponents === model.nComponents &&
        tasks[t].covarianceType === model.covarianceType,
    );
  const subsampled = (model: (typeof models)[number]) =>
    searchRowCount(model.nComponents, data.nFeatures) < data.nSamples;
  const refineTasks: StartTask[] = runnable.filter(subsampled).flatMap((model) =>
    runsOf(model, searchTasks, searchRuns)
      .filter((run) => run.failure === undefined && run.parameters !== undefined)
      .sort((a, b) => finalLogLikelihood(b) - finalLogLikelihood(a) || a.start - b.start)
      .slice(0, REFINED_STARTS)
      .map((run) => ({ ...model, start: run.start, initial: run.parameters })),
  );
  const refineRuns =
    refineTasks.length > 0 ? await runner(data, settings, refineTasks, progressOf('refine')) : [];
  return models.map((model) => {
    if (model.nComponents > data.nSamples) {
      return {
        ...model,
        result: undefined,
        failure: `more components than rows (${data.nSamples})`,
      };
    }
    const searched = runsOf(model, searchTasks, searchRuns);
    const refined = runsOf(model, refineTasks, refineRuns);
    try {
      const fit = combineStarts(
        { ...settings, ...model },
        subsampled(model) && refined.length > 0 ? refined : searched,
      );
      return {
        ...model,
        result: { fit, criteria: scoreFit(data, fit) },
        failure: undefined,
      };
    } catch (error) {
      if (!(error instanceof NumericError)) throw error;
      return { ...model, result: undefined, failure: error.message };
    }
  });
}

function finalLogLikelihood(run: StartRun): number {
  return run.trajectory[run.trajectory.length - 1];
}

/** The cell with the lowest criterion (first on ties), or undefined when every cell failed. */
export function bestCell(cells: readonly SweepCell[], criterion: Criterion): SweepCell | undefined {
  let best: SweepCell | undefined;
  let bestValue = Infinity;
  for (const cell of cells) {
    if (cell.result === undefined) continue;
    const value = cell.result.criteria[criterion];
    if (value < bestValue) {
      best = cell;
      bestValue = value;
    }
  }
  return best;
}
