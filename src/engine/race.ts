import { findDegeneracy } from './degeneracy.js';
import { emRun, type EmSettings, type EmStatus, type EStepRequest, type StartRun } from './em.js';
import type { DataMatrix, MixtureParameters } from './types.js';

/**
 * Refinement on all rows of the solutions a search found on a subsample, as a race.
 * Every candidate is EM run on (accelerated) from its subsample solution, a few
 * E-steps at a time in turn. A candidate stops early when it cannot win: when even
 * its ℓ plus RACE_SAFETY times the gain still to come (convergence.ts's estimate)
 * leaves its criterion above the current criterion of the leader. The leader's own
 * criterion can only fall as it converges, so the comparison is against a bound that
 * only gets harder to beat. A sweep over K on a million rows therefore does not
 * polish the cells with superfluous components — whose EM crawls for hundreds of
 * steps — while the winner is still run to convergence. With `prune` off (ICL, which
 * does not move with ℓ alone) every candidate converges.
 *
 * Decisions depend only on ℓ values, which are the same bits for any thread count, so
 * the outcome is too.
 */

/** E-steps each running candidate takes per turn. */
const STEPS_PER_TURN = 4;

/** E-steps on all rows before a candidate's rate is trusted enough to stop it. */
const MIN_STEPS_BEFORE_STOP = 8;

/** How much larger than estimated the gain still to come is allowed to be. */
const RACE_SAFETY = 10;

export interface RaceCandidate {
  /** The model's settings (K, structure, …). */
  readonly settings: EmSettings;
  readonly start: number;
  readonly initial: MixtureParameters;
  /** The criterion's penalty: criterion = −2ℓ + penalty (BIC: p ln n, AIC: 2p). */
  readonly penalty: number;
}

/** A refined candidate: converged, or stopped early because it could not win. */
export interface RaceResult {
  readonly run: StartRun;
  readonly stoppedEarly: boolean;
}

/** Where the race is, for progress: candidates finished, and the one running. */
export type RaceProgress = (
  done: number,
  total: number,
  running: { candidate: number; iteration: number; logLikelihood: number },
) => void;

export type EStepExecutor = (request: EStepRequest) => number | Promise<number>;

export async function refineRace(
  data: DataMatrix,
  candidates: readonly RaceCandidate[],
  execute: EStepExecutor,
  variances: Float64Array,
  prune: boolean,
  onProgress?: RaceProgress,
): Promise<RaceResult[]> {
  const { nSamples: n, nFeatures: d } = data;
  const runners = candidates.map((candidate) => {
    const limits = {
      maxIter: candidate.settings.maxIter,
      tol: candidate.settings.tol,
      accelerate: true,
    };
    const steps = emRun(
      candidate.settings,
      n,
      d,
      limits,
      candidate.start,
      candidate.initial,
      variances,
    );
    return {
      candidate,
      steps,
      next: steps.next(),
      status: undefined as EmStatus | undefined,
      trajectory: [] as number[],
      result: undefined as RaceResult | undefined,
    };
  });
  let done = 0;
  const criterionOf = (r: (typeof runners)[number]) =>
    r.status === undefined ? Infinity : -2 * r.status.logLikelihood + r.candidate.penalty;

  while (runners.some((r) => r.result === undefined)) {
    for (const [index, runner] of runners.entries()) {
      for (let s = 0; s < STEPS_PER_TURN && runner.result === undefined; s++) {
        const { next } = runner;
        if (next.done) {
          runner.result = { run: next.value, stoppedEarly: false };
          done++;
          break;
        }
        let logLikelihood: number;
        try {
          logLikelihood = await execute(next.value);
        } catch (error) {
          runner.next = runner.steps.throw(error);
          continue;
        }
        runner.next = runner.steps.next(logLikelihood);
        if (!runner.next.done && runner.next.value.status !== undefined) {
          runner.status = runner.next.value.status;
          runner.trajectory.push(runner.status.logLikelihood);
        }
        onProgress?.(done, runners.length, {
          candidate: index,
          iteration: runner.status?.iterations ?? 1,
          logLikelihood: runner.status?.logLikelihood ?? logLikelihood,
        });
      }
      if (runner.result === undefined && runner.next.done) {
        runner.result = { run: runner.next.value, stoppedEarly: false };
        done++;
      }
    }
    if (!prune) continue;
    const leader = Math.min(
      ...runners.map((r) =>
        r.result === undefined
          ? criterionOf(r)
          : r.result.run.failure === undefined && r.result.run.parameters !== undefined
            ? -2 * lastOf(r.result.run.trajectory) + r.candidate.penalty
            : Infinity,
      ),
    );
    for (const runner of runners) {
      const { status } = runner;
      if (runner.result !== undefined || status === undefined) continue;
      if (status.iterations < MIN_STEPS_BEFORE_STOP) continue;
      const optimistic = criterionOf(runner) - 2 * RACE_SAFETY * gainToCome(status);
      if (!(optimistic > leader)) continue;
      runner.steps.return(undefined as never);
      const parameters = status.parameters;
      runner.result = {
        run: {
          start: runner.candidate.start,
          parameters,
          trajectory: uniqueRising(runner.trajectory),
          converged: false,
          failure: findDegeneracy(parameters, n, variances),
        },
        stoppedEarly: true,
      };
      done++;
    }
  }
  return runners.map((r) => r.result!);
}

/** The gain in ℓ still to come at this rate (∞ when the rate is unknown or ≥ 1). */
function gainToCome(status: EmStatus): number {
  const { gain, rate } = status;
  if (!(gain >= 0)) return Infinity;
  if (!(rate >= 0 && rate < 1)) return Infinity;
  return gain / (1 - rate * rate);
}

/** The accepted ℓ values in order, each recorded once. */
function uniqueRising(values: number[]): number[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

function lastOf(values: readonly number[]): number {
  return values[values.length - 1];
}
