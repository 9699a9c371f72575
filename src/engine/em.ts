import { cannotReach, hasConverged, rateFromGains } from './convergence.js';
import { findDegeneracy } from './degeneracy.js';
import { createResponsibilitySums, expectationStep, type ResponsibilitySums } from './e-step.js';
import { initialResponsibilities } from './initialize.js';
import { constrainedCovariances } from './mclust/covariance-models.js';
import { extrapolationKeepsModel } from './model-names.js';
import { estimateGaussianParameters, parametersFromSums } from './m-step.js';
import { computePrecisionFactors, type PrecisionFactors } from './precision.js';
import { Random } from './random.js';
import { extrapolate, isUsable, stepLength, stepNorms } from './squarem.js';
import {
  COVARIANCE_TYPES,
  type CovarianceType,
  type DataMatrix,
  type InitMethod,
  type MixtureParameters,
  startMethod,
} from './types.js';
import { isGmmError } from '../errors.js';

export interface EmSettings {
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  readonly init: InitMethod;
  /** Random starts explored per model, or 'auto': as many as the data size affords (see search-plan.ts). */
  readonly nInit: number | 'auto';
  /** E-steps (passes over the rows) allowed to one EM run. */
  readonly maxIter: number;
  /** EM stops when ℓ per row is within tol of its limit (see convergence.ts). */
  readonly tol: number;
  readonly regCovar: number;
  readonly seed: number;
}

/** How one EM run may go: its iteration cap, tolerance, and whether SQUAREM extrapolates. */
export interface EmLimits {
  readonly maxIter: number;
  readonly tol: number;
  readonly accelerate: boolean;
  /**
   * Stop early (not converged) once the run cannot reach this ℓ (convergence.ts,
   * cannotReach): a search polishing candidates needs only the ones that can win.
   */
  readonly bar?: number;
}

/** One finished EM run: its solution (undefined when it failed) and how it ended. */
export interface StartRun {
  readonly start: number;
  readonly parameters: MixtureParameters | undefined;
  /** ℓ after each accepted E-step; never decreases (up to rounding). */
  readonly trajectory: number[];
  readonly converged: boolean;
  readonly failure: string | undefined;
}

/** The ℓ a run ended on (the last of its trajectory). */
export function finalLogLikelihood(run: { readonly trajectory: readonly number[] }): number {
  return run.trajectory[run.trajectory.length - 1];
}

/**
 * What EM asks of whoever runs its E-steps: evaluate these factors over all rows,
 * fill `sums` (see expectationStep), and answer with the total ℓ. A driver may do it
 * here (runSteps) or spread the row blocks over threads (parallel/block-pool.ts); the
 * blocked reduction makes both give the same bits. An E-step failure is thrown into
 * the generator by its driver.
 */
export interface EStepRequest {
  readonly factors: PrecisionFactors;
  readonly sums: ResponsibilitySums;
  /** Where the run stands before this E-step (undefined before its first). */
  readonly status?: EmStatus;
}

/**
 * An EM run's last accepted point (its E-step done, so `logLikelihood` is its ℓ) and
 * the last convergence check: what a driver needs to judge a run it may stop early.
 */
export interface EmStatus {
  readonly parameters: MixtureParameters;
  readonly logLikelihood: number;
  /** ℓ gained by the last plain EM step. */
  readonly gain: number;
  /** Estimated contraction rate per EM step (NaN when unknown). */
  readonly rate: number;
  /** Accepted E-steps so far. */
  readonly iterations: number;
}

export type EmSteps<T> = Generator<EStepRequest, T, number>;

/** The parts of the settings one EM run needs: the model and its regularisation. */
export type ModelShape = Pick<EmSettings, 'nComponents' | 'covarianceType' | 'regCovar'>;

/** Runs an EM generator's E-steps here, one after another. */
export function runSteps<T>(data: DataMatrix, steps: EmSteps<T>): T {
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
 * Parameters of start `start` (0-based) of model (K, structure): seeded by its own
 * random stream (seed, K, covariance type, start), so the outcome does not depend on
 * which thread or in which order it runs.
 */
export function startParameters(
  data: DataMatrix,
  settings: EmSettings,
  start: number,
): MixtureParameters {
  const random = new Random(
    settings.seed,
    settings.nComponents,
    COVARIANCE_TYPES.indexOf(settings.covarianceType),
    start,
  );
  const method = startMethod(settings.init, start);
  const resp = initialResponsibilities(data, settings.nComponents, method, random);
  return parametersFromMemberships(data, settings, resp);
}

/** The model's M-step from memberships (n×K) as a start (throws a numeric GmmError). */
export function parametersFromMemberships(
  data: DataMatrix,
  settings: EmSettings,
  resp: Float64Array,
): MixtureParameters {
  return estimateGaussianParameters(
    data,
    resp,
    settings.nComponents,
    settings.covarianceType,
    settings.regCovar,
  );
}

/**
 * One EM run from `initial` as a StartRun: a run that becomes singular carries its
 * failure, and so does one whose solution is degenerate (see findDegeneracy) when
 * `variances` (the data's column variances, d) are given.
 */
export function* emRun(
  shape: ModelShape,
  nSamples: number,
  nFeatures: number,
  limits: EmLimits,
  start: number,
  initial: MixtureParameters,
  variances: Float64Array | undefined,
): EmSteps<StartRun> {
  let result: EmResult;
  try {
    result = yield* emSteps(shape, nSamples, nFeatures, limits, initial);
  } catch (error) {
    if (!isGmmError(error, 'numeric')) throw error;
    return {
      start,
      parameters: undefined,
      trajectory: [],
      converged: false,
      failure: error.message,
    };
  }
  const failure =
    variances === undefined ? undefined : findDegeneracy(result.parameters, nSamples, variances);
  return { start, ...result, failure };
}

export interface EmResult {
  readonly parameters: MixtureParameters;
  readonly trajectory: number[];
  readonly converged: boolean;
}

/** What one EM run works with: the model, the data's size and its limits. */
interface EmContext {
  readonly shape: ModelShape;
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly limits: EmLimits;
}

/**
 * EM from `initial` until converged (convergence.ts) or `limits.maxIter` E-steps.
 * The run ends on an E-step, so the returned parameters are the ones whose ℓ ends the
 * trajectory. The E-step gathers every sum the M-step needs: no n×K responsibilities.
 */
export function emSteps(
  shape: ModelShape,
  nSamples: number,
  nFeatures: number,
  limits: EmLimits,
  initial: MixtureParameters,
): EmSteps<EmResult> {
  const context: EmContext = { shape, nSamples, nFeatures, limits };
  return limits.accelerate ? acceleratedSteps(context, initial) : plainSteps(context, initial);
}

/**
 * How a run stands after a convergence check: converged, stopped (at maxIter, or
 * because it cannot reach its bar), or going on.
 */
function verdict(status: EmStatus, context: EmContext): 'converged' | 'stopped' | undefined {
  const { limits, nSamples } = context;
  const t = status.iterations;
  if (t > 1 && hasConverged(status, nSamples, limits.tol)) return 'converged';
  if (limits.bar !== undefined && cannotReach(status, t, limits.bar, limits.maxIter - t)) {
    return 'stopped';
  }
  return t >= limits.maxIter ? 'stopped' : undefined;
}

/** Plain EM: E, M, E, M, … ; the rate comes from successive gains. */
function* plainSteps(context: EmContext, initial: MixtureParameters): EmSteps<EmResult> {
  const { shape, nFeatures } = context;
  const sums = createResponsibilitySums(shape.nComponents, nFeatures);
  const trajectory: number[] = [];
  let parameters = initial;
  let previousGain = NaN;
  let status: EmStatus | undefined;
  for (;;) {
    const logLikelihood = yield { factors: computePrecisionFactors(parameters), sums, status };
    trajectory.push(logLikelihood);
    const t = trajectory.length;
    const gain = t > 1 ? logLikelihood - trajectory[t - 2] : NaN;
    const rate = rateFromGains(previousGain, gain);
    previousGain = gain;
    status = { parameters, logLikelihood, gain, rate, iterations: t };
    const ended = verdict(status, context);
    if (ended !== undefined) return { parameters, trajectory, converged: ended === 'converged' };
    parameters = mStep(sums, shape, nFeatures, parameters);
  }
}

/**
 * EM accelerated by SQUAREM (squarem.ts) with its monotone safeguard: from θ₀ (whose
 * E-step is done), two EM steps give θ₁ and θ₂; the extrapolated θ′ is taken only when
 * its ℓ is at least θ₁'s, else EM goes on from θ₂ as plainly. The next cycle starts
 * with an EM step from the point taken (SQUAREM's stabilising step). Every ℓ recorded
 * is therefore at least the one before it. The step limit grows fourfold while the
 * longest step succeeds and shrinks after a failed one (as in the SQUAREM package).
 * Convergence is judged on the plain step θ₀ → θ₁ with the rate ‖θ₂−θ₁‖/‖θ₁−θ₀‖.
 */
function* acceleratedSteps(context: EmContext, initial: MixtureParameters): EmSteps<EmResult> {
  const { shape, nFeatures, nSamples, limits } = context;
  const sums = createResponsibilitySums(shape.nComponents, nFeatures);
  const trajectory: number[] = [];
  let p0 = initial;
  let l0: number = yield { factors: computePrecisionFactors(p0), sums };
  trajectory.push(l0);
  let status: EmStatus = { parameters: p0, logLikelihood: l0, gain: NaN, rate: NaN, iterations: 1 };
  let p1 = mStep(sums, shape, nFeatures, p0);
  let stepMax = 1;
  for (;;) {
    if (trajectory.length >= limits.maxIter) {
      return { parameters: p0, trajectory, converged: false };
    }
    const l1: number = yield { factors: computePrecisionFactors(p1), sums, status };
    trajectory.push(l1);
    const p2 = mStep(sums, shape, nFeatures, p1);
    const norms = stepNorms(p0, p1, p2);
    const rate = norms.first > 0 ? norms.second / norms.first : NaN;
    const gain = l1 - l0;
    status = { parameters: p1, logLikelihood: l1, gain, rate, iterations: trajectory.length };
    const ended = verdict(status, context);
    if (ended !== undefined) {
      return { parameters: p1, trajectory, converged: ended === 'converged' };
    }
    const alpha = stepLength(norms, stepMax);
    let taken = false;
    if (alpha < -1) {
      const jumped = withinModel(extrapolate(p0, p1, p2, alpha), nSamples);
      const lJumped = isUsable(jumped) ? yield* tryEStep(jumped, sums, status) : -Infinity;
      if (lJumped >= l1) {
        taken = true;
        trajectory.push(lJumped);
        p0 = jumped;
        l0 = lJumped;
        status = { ...status, parameters: p0, logLikelihood: l0, iterations: trajectory.length };
        if (alpha === -stepMax) stepMax *= 4;
      } else {
        stepMax = Math.max(1, stepMax / 4);
      }
    } else if (alpha === -stepMax) {
      // The step wanted to be longer than allowed (at first, stepMax = 1 allows only
      // plain EM): allow longer ones from the next cycle, as SQUAREM does.
      stepMax *= 4;
    }
    if (!taken) {
      l0 = yield { factors: computePrecisionFactors(p2), sums, status };
      trajectory.push(l0);
      p0 = p2;
      status = { ...status, parameters: p0, logLikelihood: l0, iterations: trajectory.length };
    }
    p1 = mStep(sums, shape, nFeatures, p0);
  }
}

/** The E-step at extrapolated parameters, or −∞ when they are not a valid mixture. */
function* tryEStep(
  parameters: MixtureParameters,
  sums: ResponsibilitySums,
  status: EmStatus,
): Generator<EStepRequest, number, number> {
  let factors: PrecisionFactors;
  try {
    factors = computePrecisionFactors(parameters);
  } catch (error) {
    if (isGmmError(error, 'numeric')) return -Infinity;
    throw error;
  }
  try {
    return yield { factors, sums, status };
  } catch (error) {
    if (isGmmError(error, 'numeric')) return -Infinity;
    throw error;
  }
}

/**
 * An extrapolated point brought back into its model. SQUAREM's linear combination keeps
 * EII, VII, EEI, VVI, EEE and VVV (model-names.ts, extrapolationKeepsModel) but not the
 * other eight (equal determinants, a shared shape under varying volumes, …): for those
 * the covariances are replaced by the model's member nearest them, the M-step's
 * estimate from the scatters Nₖ Σₖ′ (Nₖ = n πₖ′), so every point EM evaluates is a
 * point of the model. Unusable points (isUsable) are returned as they are, to be refused.
 */
function withinModel(jumped: MixtureParameters, nSamples: number): MixtureParameters {
  if (extrapolationKeepsModel(jumped.covarianceType) || !isUsable(jumped)) return jumped;
  const { nComponents: K, nFeatures: d } = jumped;
  const nk = jumped.weights.map((w) => w * nSamples);
  const scatter = new Float64Array(K * d * d);
  for (let e = 0; e < K * d * d; e++) {
    scatter[e] = nk[Math.floor(e / (d * d))] * jumped.covariances[e];
  }
  const covariances = constrainedCovariances(jumped.covarianceType, scatter, nk, d, undefined);
  return { ...jumped, covariances };
}

/** The M-step from the sums of the E-step at `previous` (the iterative models start there). */
function mStep(
  sums: ResponsibilitySums,
  shape: ModelShape,
  nFeatures: number,
  previous: MixtureParameters,
): MixtureParameters {
  return parametersFromSums(
    sums,
    shape.nComponents,
    nFeatures,
    shape.covarianceType,
    shape.regCovar,
    previous,
  );
}
