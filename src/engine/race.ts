import { cannotReach } from './convergence.js';
import { findDegeneracy } from './degeneracy.js';
import {
  emRun,
  finalLogLikelihood,
  type EmSettings,
  type EmStatus,
  type EStepRequest,
  type StartRun,
} from './em.js';
import { scoreRows } from './predict.js';
import { effectiveRows, type Criterion, type DataMatrix, type MixtureParameters } from './types.js';

/**
 * Refinement on all rows of the solutions a search found on a subsample, as a race.
 * Every candidate is EM run on (accelerated) from its subsample solution, a few
 * E-steps at a time in turn. A candidate stops early when it cannot win: when even
 * its ℓ plus GAIN_SAFETY times the gain still to come (convergence.ts, cannotReach)
 * leaves its criterion above the current criterion of the leader. The leader's own
 * criterion can only fall as it converges, so the comparison is against a bound that
 * only gets harder to beat. A sweep over K on a million rows therefore does not
 * polish the cells with superfluous components — whose EM crawls for hundreds of
 * steps — while the winner is still run to convergence.
 *
 * ICL (= BIC − 2 Σ log zᵢ,MAP ≥ BIC) does not move with ℓ alone, so there the leader
 * is the lowest ICL among candidates that have converged, and a candidate stops once
 * even its best possible BIC — a lower bound on its ICL — is above that.
 *
 * Decisions depend only on ℓ values, which are the same bits for any thread count, so
 * the outcome is too.
 */

/** E-steps each running candidate takes per turn. */
const STEPS_PER_TURN = 4;

export interface RaceCandidate {
  /** The model's settings (K, structure, …). */
  readonly settings: EmSettings;
  readonly start: number;
  readonly initial: MixtureParameters;
  /** The criterion's penalty: criterion = −2ℓ + penalty (BIC and ICL: p ln n, AIC: 2p). */
  readonly penalty: number;
  /** The model it belongs to, and its rank there (0: the model's best on the subsample). */
  readonly model: number;
  readonly rank: number;
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
  criterion: Criterion,
  onProgress?: RaceProgress,
): Promise<RaceResult[]> {
  const { nFeatures: d } = data;
  const n = effectiveRows(data);
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
  type Runner = (typeof runners)[number];
  const criterionOf = (r: Runner) =>
    r.status === undefined ? Infinity : -2 * r.status.logLikelihood + r.candidate.penalty;
  const finishedIcl = new Map<Runner, number>();
  /** What a candidate offers as the leader's criterion (an upper bound on its final one). */
  const leaderValue = (r: Runner): number => {
    const usable =
      r.result !== undefined && r.result.run.failure === undefined && r.result.run.parameters;
    if (criterion !== 'icl') {
      if (r.result === undefined) return criterionOf(r);
      return usable ? -2 * finalLogLikelihood(r.result.run) + r.candidate.penalty : Infinity;
    }
    // ICL: only converged candidates count, at their exact final ICL
    if (!usable || r.result!.stoppedEarly) return Infinity;
    let icl = finishedIcl.get(r);
    if (icl === undefined) {
      const { logLikelihood, sumLogCertainty } = scoreRows(data, r.result!.run.parameters!);
      icl = -2 * logLikelihood + r.candidate.penalty - 2 * sumLogCertainty;
      finishedIcl.set(r, icl);
    }
    return icl;
  };

  const finish = (runner: Runner, run: StartRun, stoppedEarly: boolean) => {
    if (stoppedEarly) runner.steps.return(undefined as never);
    runner.result = { run, stoppedEarly };
    done++;
  };

  // A model's other solutions wait for its best: they run once it has converged (it may
  // win), and are dropped when it was stopped (a model whose best cannot win).
  const leadOf = (r: (typeof runners)[number]) =>
    runners.find((o) => o.candidate.model === r.candidate.model && o.candidate.rank === 0);
  while (runners.some((r) => r.result === undefined)) {
    for (const [index, runner] of runners.entries()) {
      if (runner.result !== undefined) continue;
      const lead = runner.candidate.rank === 0 ? undefined : leadOf(runner);
      if (lead !== undefined) {
        if (lead.result === undefined) continue;
        if (lead.result.stoppedEarly) {
          const run = {
            start: runner.candidate.start,
            parameters: undefined,
            trajectory: [],
            converged: false,
            failure: 'not refined: the best solution of its model could not win',
          };
          finish(runner, run, true);
          continue;
        }
      }
      for (let s = 0; s < STEPS_PER_TURN && !runner.next.done; s++) {
        const request = runner.next.value;
        let logLikelihood: number;
        try {
          logLikelihood = await execute(request);
        } catch (error) {
          runner.next = runner.steps.throw(error);
          continue;
        }
        runner.next = runner.steps.next(logLikelihood);
        const status = runner.next.done ? undefined : runner.next.value.status;
        // a new status is a newly accepted point (a rejected extrapolation keeps the old)
        if (status !== undefined && status !== runner.status) {
          runner.status = status;
          runner.trajectory.push(status.logLikelihood);
        }
        onProgress?.(done, runners.length, {
          candidate: index,
          iteration: runner.status?.iterations ?? 1,
          logLikelihood: runner.status?.logLikelihood ?? logLikelihood,
        });
      }
      if (runner.next.done) finish(runner, runner.next.value, false);
    }
    const leader = Math.min(...runners.map((r) => leaderValue(r)));
    for (const runner of runners) {
      const { status } = runner;
      if (runner.result !== undefined || status === undefined) continue;
      // criterion = −2ℓ + penalty < leader  ⇔  ℓ > (penalty − leader) / 2
      const bar = (runner.candidate.penalty - leader) / 2;
      const stepsLeft = runner.candidate.settings.maxIter - status.iterations;
      if (!cannotReach(status, status.iterations, bar, stepsLeft)) continue;
      const { parameters } = status;
      const run = {
        start: runner.candidate.start,
        parameters,
        trajectory: runner.trajectory,
        converged: false,
        failure: findDegeneracy(parameters, n, variances),
      };
      finish(runner, run, true);
    }
  }
  return runners.map((r) => r.result!);
}
