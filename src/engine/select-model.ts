import {
  akaikeInformationCriterion,
  bayesianInformationCriterion,
  integratedCompletedLikelihoodFromSum,
} from './criteria.js';
import { dataVariances } from './degeneracy.js';
import { expectationStep } from './e-step.js';
import { freeParameterCount } from './parameter-count.js';
import { scoreRows } from './predict.js';
import { searchPlan } from './search-plan.js';
import { refineRace, type EStepExecutor, type RaceResult } from './race.js';
import {
  createSearchExecutor,
  searchRowCount,
  type CellTask,
  type SweepSettings,
} from './search-sample.js';
import { byLogLikelihood, mixtureFit, type CellSearch, type MixtureFit } from './search.js';
import { effectiveRows, type CovarianceType, type Criterion, type DataMatrix } from './types.js';
import { isGmmError } from '../errors.js';

export type { CellTask, SweepSettings } from './search-sample.js';

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
  /**
   * True when the refinement on all rows stopped this cell before convergence because
   * it could not win (race.ts): its ℓ is a lower bound, its criterion an upper one.
   */
  readonly stoppedEarly: boolean;
}

/**
 * Runs a sweep's work: the searches, in any order or in parallel (each is
 * deterministic, so the runner cannot change a result), and E-steps over all rows for
 * the refinement.
 */
export interface SweepRunner {
  /** Searches each task's model (on its search sample); results in task order. */
  search(
    data: DataMatrix,
    settings: SweepSettings,
    tasks: readonly CellTask[],
    onProgress?: (progress: SearchProgress) => void,
  ): Promise<CellSearch[]>;
  /** An E-step executor over all rows of `data`, until `close()`. */
  eSteps(data: DataMatrix): { execute: EStepExecutor; close(): Promise<void> };
}

/** Models searched so far, and the short runs done in the one being searched. */
export interface SearchProgress {
  readonly done: number;
  readonly total: number;
  readonly task?: CellTask;
  readonly starts?: { readonly done: number; readonly total: number };
}

/** Where a sweep is: searching, or refining on all rows (the model, iteration and ℓ running). */
export type SweepProgress =
  | ({ readonly phase: 'search' } & SearchProgress)
  | {
      readonly phase: 'refine';
      readonly done: number;
      readonly total: number;
      readonly task: CellTask;
      readonly iteration: number;
      readonly logLikelihood: number;
    };

/** The runner that does all the work here, one thing after another. */
export const inlineRunner: SweepRunner = {
  async search(data, settings, tasks, onProgress) {
    const execute = createSearchExecutor(data, settings);
    return tasks.map((task, index) => {
      onProgress?.({ done: index, total: tasks.length, task });
      const search = execute(task, (done, total) =>
        onProgress?.({ done: index, total: tasks.length, task, starts: { done, total } }),
      );
      onProgress?.({ done: index + 1, total: tasks.length });
      return search;
    });
  },
  eSteps(data) {
    return {
      execute: ({ factors, sums }) => expectationStep(data, factors, null, sums),
      close: async () => {},
    };
  },
};

/** Criteria of a fit, from one E-step on its ordered components. */
export function scoreFit(data: DataMatrix, fit: MixtureFit): FitCriteria {
  const { nFeatures } = data;
  const nSamples = effectiveRows(data);
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
 * Fits every K × covariance type. Each model is searched (search.ts) on its search
 * sample: all rows when they are few, else a subsample (search-sample.ts). Models
 * searched on a subsample then have their best KEPT_SOLUTIONS refined on all rows in
 * one race (race.ts) on `criterion`, so that models which cannot win are not polished.
 * A cell whose every start fails keeps its reason and the sweep goes on. Cells come
 * back ordered by covariance type, then K.
 */
export async function sweepModels(
  data: DataMatrix,
  componentCounts: readonly number[],
  covarianceTypes: readonly CovarianceType[],
  settings: SweepSettings,
  runner: SweepRunner = inlineRunner,
  onProgress?: (progress: SweepProgress) => void,
  criterion: Criterion = 'bic',
): Promise<SweepCell[]> {
  const { nSamples, nFeatures } = data;
  const models = covarianceTypes.flatMap((covarianceType) =>
    componentCounts.map((nComponents) => ({ nComponents, covarianceType })),
  );
  const runnable = models.filter((m) => m.nComponents <= nSamples);
  // Weighted rows count as the rows they stand for (search-sample.ts decides the same way).
  const effective = effectiveRows(data);
  const searches = await searchWithNeighbours(data, settings, runnable, runner, (progress) =>
    onProgress?.({ phase: 'search', ...progress }),
  );
  const searchOf = (model: CellTask) => searches[runnable.indexOf(model)];
  const subsampled = (model: CellTask) =>
    searchRowCount(model.nComponents, nFeatures) < Math.round(effective);

  // Refinement on all rows of every subsampled model's kept solutions, in one race.
  const candidates = runnable.filter(subsampled).flatMap((model, modelIndex) =>
    searchOf(model).solutions.map((run, rank) => ({
      model,
      candidate: {
        settings: { ...settings, ...model },
        start: run.start,
        initial: run.parameters!,
        model: modelIndex,
        rank,
        penalty: criterionPenalty(
          criterion,
          freeParameterCount(model.covarianceType, model.nComponents, nFeatures),
          effective,
        ),
      },
    })),
  );
  const refined: RaceResult[] = [];
  if (candidates.length > 0) {
    const { execute, close } = runner.eSteps(data);
    try {
      const variances = dataVariances(data);
      refined.push(
        ...(await refineRace(
          data,
          candidates.map((c) => c.candidate),
          execute,
          variances,
          criterion,
          (done, total, running) =>
            onProgress?.({
              phase: 'refine',
              done,
              total,
              task: candidates[running.candidate].model,
              iteration: running.iteration,
              logLikelihood: running.logLikelihood,
            }),
        )),
      );
    } finally {
      await close();
    }
  }

  return models.map((model) => {
    if (model.nComponents > nSamples) {
      return {
        ...model,
        result: undefined,
        failure: `more components than rows (${nSamples})`,
        stoppedEarly: false,
      };
    }
    const search = searchOf(model);
    const results = refined.filter((_, c) => candidates[c].model === model);
    const runs = subsampled(model) ? results.map((r) => r.run) : search.solutions;
    try {
      const fit = mixtureFit({ ...settings, ...model }, search, runs);
      // the run mixtureFit chose: the best usable one, by the same order
      const chosen = results
        .filter((r) => r.run.failure === undefined && r.run.parameters !== undefined)
        .sort((a, b) => byLogLikelihood(a.run, b.run))[0];
      return {
        ...model,
        result: { fit, criteria: scoreFit(data, fit) },
        failure: undefined,
        stoppedEarly: chosen?.stoppedEarly ?? false,
      };
    } catch (error) {
      if (!isGmmError(error, 'numeric')) throw error;
      return { ...model, result: undefined, failure: error.message, stoppedEarly: false };
    }
  });
}

/**
 * The searches of `tasks` (in their order), each carried on from the best solutions
 * of its model's neighbours (K − 1 and K + 1 components, same structure) where the
 * plan says so (search.ts, fromNeighbours): first every model and every such
 * neighbour is searched on its own, then each model is improved from its neighbours'
 * searches. A model's result thus depends only on its own and its neighbours' searches,
 * so `fit -k K` (which searches K − 1 and K + 1 too) gives the sweep's cell K.
 */
async function searchWithNeighbours(
  data: DataMatrix,
  settings: SweepSettings,
  tasks: readonly CellTask[],
  runner: SweepRunner,
  onProgress?: (progress: SearchProgress) => void,
): Promise<CellSearch[]> {
  const key = (task: CellTask) => `${task.covarianceType}/${task.nComponents}`;
  const offset = (task: CellTask, by: number): CellTask => ({
    nComponents: task.nComponents + by,
    covarianceType: task.covarianceType,
  });
  const effective = effectiveRows(data);
  const improved = tasks.filter(
    (task) =>
      searchPlan(effective, data.nFeatures, task.nComponents, task.covarianceType, settings.nInit)
        .fromNeighbours,
  );
  const searched = [...tasks];
  for (const task of improved.flatMap((t) => [offset(t, -1), offset(t, 1)])) {
    const fits = task.nComponents >= 1 && task.nComponents <= data.nSamples;
    if (fits && !searched.some((t) => key(t) === key(task))) searched.push(task);
  }
  const total = searched.length + improved.length;
  const alone = await runner.search(data, settings, searched, (progress) =>
    onProgress?.({ ...progress, total }),
  );
  const aloneOf = (task: CellTask) => alone[searched.findIndex((t) => key(t) === key(task))];
  const bestOf = (task: CellTask) => aloneOf(task)?.solutions[0]?.parameters;
  const secondStage: CellTask[] = improved.map((task) => ({
    ...task,
    neighbours: {
      search: aloneOf(task),
      smaller: bestOf(offset(task, -1)),
      larger: bestOf(offset(task, 1)),
    },
  }));
  const carried = await runner.search(data, settings, secondStage, (progress) =>
    onProgress?.({ ...progress, done: searched.length + progress.done, total }),
  );
  return tasks.map((task) => {
    const c = secondStage.findIndex((t) => key(t) === key(task));
    return c >= 0 ? carried[c] : aloneOf(task);
  });
}

/** The criterion's penalty term for p free parameters on n rows: criterion = −2ℓ + penalty. */
function criterionPenalty(criterion: Criterion, nParameters: number, nSamples: number): number {
  return criterion === 'aic' ? 2 * nParameters : nParameters * Math.log(nSamples);
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
