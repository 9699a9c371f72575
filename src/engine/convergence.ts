/**
 * When EM has converged. The rule speaks of the log-likelihood per row, so it means
 * the same on 200 rows as on 10 million: EM stops when the last plain EM step gained
 * less than `tol` per row AND the gain still to come, estimated from the rate at which
 * the steps shrink, is below `tol` per row too. The second half matters where EM
 * crawls (overlapping or superfluous components): there each step gains little, but
 * many such steps remain, and stopping on the step alone reports an ℓ short of the
 * optimum.
 *
 * Near a fixed point EM's error shrinks by a rate r per step, so the ℓ gains shrink by
 * about r² and the gain to come after a step that gained g is g·r²/(1−r²) (Aitken's
 * Δ² extrapolation; Böhning et al. 1994, McNicholas et al. 2010). A rate of 1 or more
 * (EM leaving a saddle, or rounding noise) gives no estimate, and only a gain at the
 * level of rounding then counts as converged.
 */

/** ℓ gains below this fraction of 1 + |ℓ| are rounding noise in a sum of n terms. */
const ROUNDING_NOISE = 1e-13;

export interface StepProgress {
  /** ℓ after the step. */
  readonly logLikelihood: number;
  /** ℓ gained by the last plain EM step (may be slightly negative from rounding). */
  readonly gain: number;
  /** Estimated contraction rate of the error per EM step, r (NaN when unknown). */
  readonly rate: number;
}

export function hasConverged(step: StepProgress, nSamples: number, tol: number): boolean {
  const { logLikelihood, gain, rate } = step;
  if (gain <= ROUNDING_NOISE * (1 + Math.abs(logLikelihood))) return true;
  if (!(rate >= 0 && rate < 1)) return false;
  const toCome = (gain * rate * rate) / (1 - rate * rate);
  return gain / nSamples < tol && toCome / nSamples < tol;
}

/**
 * The rate r from two successive plain EM gains g₁ then g₂ (g₂/g₁ ≈ r²), NaN when
 * they do not shrink.
 */
export function rateFromGains(previousGain: number, gain: number): number {
  if (!(previousGain > 0) || !(gain >= 0)) return NaN;
  const ratio = gain / previousGain;
  return ratio < 1 ? Math.sqrt(ratio) : NaN;
}

/**
 * The gain in ℓ still to come after a plain EM step that gained `gain`, at contraction
 * rate `rate` per step: gain·r²/(1−r²) after it, so gain/(1−r²) counting the step
 * itself (∞ when the rate is unknown or ≥ 1).
 */
export function gainToCome(gain: number, rate: number): number {
  if (!(gain >= 0)) return Infinity;
  if (!(rate >= 0 && rate < 1)) return Infinity;
  return gain / (1 - rate * rate);
}

/** How much larger than estimated the gain still to come is allowed to be, when a run is stopped for it. */
export const GAIN_SAFETY = 10;

/** E-steps before a run's rate is trusted enough to stop it for its estimated gain. */
export const MIN_STEPS_BEFORE_STOP = 8;

/**
 * Whether a run cannot reach `bar`: even its ℓ plus the most it can still gain stays
 * below it (after MIN_STEPS_BEFORE_STOP E-steps). The most it can gain is the smaller
 * of GAIN_SAFETY times the estimated gain to come (gainToCome) and, for a run that may
 * take `stepsLeft` more steps, the last gain for each of them: where EM crawls (a
 * superfluous component, rate → 1) the rate gives no estimate, but the gains shrink.
 */
export function cannotReach(
  step: StepProgress,
  iterations: number,
  bar: number,
  stepsLeft: number,
): boolean {
  if (iterations < MIN_STEPS_BEFORE_STOP) return false;
  const most = Math.min(
    GAIN_SAFETY * gainToCome(step.gain, step.rate),
    Math.max(step.gain, 0) * stepsLeft,
  );
  return step.logLikelihood + most < bar;
}
