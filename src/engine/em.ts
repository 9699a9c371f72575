import { columnVariances, findCollapse } from './collapse.js';
import { createResponsibilitySums, expectationStep, type ResponsibilitySums } from './e-step.js';
import { initialResponsibilities } from './initialize.js';
import { estimateGaussianParameters, parametersFromSums } from './m-step.js';
import { NumericError } from './numeric-error.js';
import { componentOrder, permuteComponents } from './order-components.js';
import { computePrecisionFactors, type PrecisionFactors } from './precision.js';
import { Random } from './random.js';
import {
  COVARIANCE_TYPES,
  type CovarianceType,
  type DataMatrix,
  type InitMethod,
  type MixtureParameters,
  startMethod,
} from './types.js';

export interface EmSettings {
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  readonly init: InitMethod;
  /** Starts; the best final log-likelihood is kept. */
  readonly nInit: number;
  readonly maxIter: number;
  /** EM stops when |Δℓ| / (1 + |ℓ|) < tol. */
  readonly tol: number;
  readonly regCovar: number;
  readonly seed: number;
}

/** How one start ended: a solution, or the reason it was rejected. */
export interface StartOutcome {
  readonly start: number;
  readonly logLikelihood: number | undefined;
  readonly iterations: number;
  readonly converged: boolean;
  readonly failure: string | undefined;
}

export interface MixtureFit {
  /** Components in segment order (largest weight first). */
  readonly parameters: MixtureParameters;
  readonly logLikelihood: number;
  /** ℓ after each EM iteration of the chosen start; never decreases (up to rounding). */
  readonly trajectory: number[];
  readonly iterations: number;
  readonly converged: boolean;
  /** 0-based index of the chosen start. */
  readonly bestStart: number;
  readonly starts: StartOutcome[];
}

interface StartResult {
  readonly parameters: MixtureParameters;
  readonly trajectory: number[];
  readonly converged: boolean;
}

/** One finished start: its solution (undefined when it failed) and how it ended. */
export interface StartRun {
  readonly start: number;
  readonly parameters: MixtureParameters | undefined;
  readonly trajectory: number[];
  readonly converged: boolean;
  readonly failure: string | undefined;
}

/**
 * What EM asks of whoever runs its E-steps: evaluate these factors over all rows,
 * fill `sums` (see expectationStep), and answer with the total ℓ. A driver may do it
 * here (runStartTask) or spread the row blocks over threads (parallel/block-pool.ts);
 * the blocked reduction makes both give the same bits.
 */
export interface EStepRequest {
  readonly factors: PrecisionFactors;
  readonly sums: ResponsibilitySums;
}

export type StartSteps = Generator<EStepRequest, StartRun, number>;

/**
 * Start `start` (0-based) of a fit, as a sequence of E-step requests: its own random
 * stream (seed, K, covariance type, start), so the outcome does not depend on which
 * thread or in which order it runs; or, given `initial` parameters, EM continued from
 * them (the refinement of a start found on a subsample). A start that becomes singular
 * or collapses (see findCollapse) carries its failure. An E-step failure is thrown
 * into the generator by its driver. `variances`: the data's column variances (d).
 */
export function* startSteps(
  data: DataMatrix,
  settings: EmSettings,
  start: number,
  variances: Float64Array,
  initial?: MixtureParameters,
): StartSteps {
  let result: StartResult;
  try {
    let parameters = initial;
    if (parameters === undefined) {
      const random = new Random(
        settings.seed,
        settings.nComponents,
        COVARIANCE_TYPES.indexOf(settings.covarianceType),
        start,
      );
      const method = startMethod(settings.init, start);
      const resp = initialResponsibilities(data, settings.nComponents, method, random);
      parameters = estimateGaussianParameters(
        data,
        resp,
        settings.nComponents,
        settings.covarianceType,
        settings.regCovar,
      );
    }
    result = yield* emSteps(settings, data.nFeatures, parameters);
  } catch (error) {
    if (!(error instanceof NumericError)) throw error;
    return {
      start,
      parameters: undefined,
      trajectory: [],
      converged: false,
      failure: error.message,
    };
  }
  const failure = findCollapse(result.parameters, data.nSamples, variances);
  return { start, ...result, failure };
}

/** Runs a start's E-steps here, one after another (see startSteps). */
export function runStartTask(
  data: DataMatrix,
  settings: EmSettings,
  start: number,
  variances: Float64Array,
  initial?: MixtureParameters,
): StartRun {
  const steps = startSteps(data, settings, start, variances, initial);
  let next = steps.next();
  while (!next.done) {
    const { factors, sums } = next.value;
    let logLikelihood: number;
    try {
      logLikelihood = expectationStep(data, factors, null, sums);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(logLikelihood);
  }
  return next.value;
}

/**
 * Keeps the best start (highest final ℓ, the earliest on ties) with its components in
 * segment order. Throws NumericError when every start failed.
 */
export function combineStarts(settings: EmSettings, runs: readonly StartRun[]): MixtureFit {
  let best: StartRun | undefined;
  const finalLogLikelihood = (run: StartRun) => run.trajectory[run.trajectory.length - 1];
  for (const run of [...runs].sort((a, b) => a.start - b.start)) {
    if (run.failure !== undefined || run.parameters === undefined) continue;
    if (best === undefined || finalLogLikelihood(run) > finalLogLikelihood(best)) best = run;
  }
  const starts: StartOutcome[] = runs.map((run) => ({
    start: run.start,
    logLikelihood: run.parameters === undefined ? undefined : finalLogLikelihood(run),
    iterations: run.trajectory.length,
    converged: run.converged,
    failure: run.failure,
  }));
  if (best?.parameters === undefined) {
    const reasons = [...new Set(runs.map((s) => s.failure))].slice(0, 2).join('; ');
    throw new NumericError(
      `no usable fit with K=${settings.nComponents}: every one of ${settings.nInit} starts collapsed or became singular (${reasons})`,
      'try fewer components (-k), a larger --reg-covar (e.g. 1e-3), or --covariance diag',
    );
  }
  return {
    parameters: permuteComponents(best.parameters, componentOrder(best.parameters)),
    logLikelihood: finalLogLikelihood(best),
    trajectory: best.trajectory,
    iterations: best.trajectory.length,
    converged: best.converged,
    bestStart: best.start,
    starts,
  };
}

/**
 * Fits a Gaussian mixture by EM from `nInit` starts, one after another, and keeps the
 * best log-likelihood (see runStartTask and combineStarts).
 */
export function fitMixture(data: DataMatrix, settings: EmSettings): MixtureFit {
  const variances = columnVariances(data.values, data.nSamples, data.nFeatures);
  const runs = Array.from({ length: settings.nInit }, (_, start) =>
    runStartTask(data, settings, start, variances),
  );
  return combineStarts(settings, runs);
}

/**
 * EM from the given parameters: E-step, then M/E until the relative change of ℓ falls
 * below tol. The loop ends on an E-step, so the returned parameters are the ones whose
 * ℓ is last in the trajectory. The E-step gathers every sum the M-step needs, so no
 * n×K responsibilities are kept.
 */
function* emSteps(
  settings: EmSettings,
  nFeatures: number,
  initial: MixtureParameters,
): Generator<EStepRequest, StartResult, number> {
  const { nComponents, covarianceType, regCovar, maxIter, tol } = settings;
  const sums = createResponsibilitySums(nComponents, nFeatures);
  const trajectory: number[] = [];
  let parameters = initial;
  let converged = false;
  for (let iteration = 1; ; iteration++) {
    const logLikelihood: number = yield { factors: computePrecisionFactors(parameters), sums };
    trajectory.push(logLikelihood);
    if (iteration > 1) {
      const previous = trajectory[iteration - 2];
      if (Math.abs(logLikelihood - previous) / (1 + Math.abs(logLikelihood)) < tol) {
        converged = true;
        break;
      }
    }
    if (iteration >= maxIter) break;
    parameters = parametersFromSums(sums, nComponents, nFeatures, covarianceType, regCovar);
  }
  return { parameters, trajectory, converged };
}
