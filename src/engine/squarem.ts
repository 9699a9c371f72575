import type { MixtureParameters } from './types.js';

/**
 * SQUAREM's extrapolation (Varadhan & Roland 2008, scheme S3) in the space of the
 * mixture's parameters θ = (weights, means, covariances). From θ₀ and two EM steps
 * θ₁ = F(θ₀), θ₂ = F(θ₁), with r = θ₁ − θ₀ and v = θ₂ − 2θ₁ + θ₀:
 *   θ′ = θ₀ − 2αr + α²v,  α = −‖r‖/‖v‖, kept in [−stepMax, −1].
 * α = −1 gives θ₂ itself (two plain EM steps); smaller α jump further along the path
 * EM is crawling. Linear combinations keep every constraint the structures share
 * (tied covariances stay equal, diag and spherical stay diagonal, weights still sum
 * to 1), but not positivity: the caller checks the result (isUsable, and a Cholesky
 * in the E-step) and that its ℓ is no lower than θ₁'s before taking it.
 */

/** The norms SQUAREM and the convergence rule need, over all parameters. */
export interface StepNorms {
  /** ‖θ₁ − θ₀‖ */
  readonly first: number;
  /** ‖θ₂ − θ₁‖ */
  readonly second: number;
  /** ‖θ₂ − 2θ₁ + θ₀‖ */
  readonly curvature: number;
}

export function stepNorms(
  p0: MixtureParameters,
  p1: MixtureParameters,
  p2: MixtureParameters,
): StepNorms {
  let first = 0;
  let second = 0;
  let curvature = 0;
  for (const key of PARAMETER_ARRAYS) {
    const a = p0[key];
    const b = p1[key];
    const c = p2[key];
    for (let e = 0; e < a.length; e++) {
      const r = b[e] - a[e];
      const s = c[e] - b[e];
      first += r * r;
      second += s * s;
      curvature += (s - r) * (s - r);
    }
  }
  return { first: Math.sqrt(first), second: Math.sqrt(second), curvature: Math.sqrt(curvature) };
}

/** SQUAREM's step length α (negative; −1 means no extrapolation), clamped to [−stepMax, −1]. */
export function stepLength(norms: StepNorms, stepMax: number): number {
  if (!(norms.curvature > 0)) return -1;
  const alpha = -norms.first / norms.curvature;
  return Math.max(-stepMax, Math.min(-1, alpha));
}

/** θ₀ − 2αr + α²v (see above). */
export function extrapolate(
  p0: MixtureParameters,
  p1: MixtureParameters,
  p2: MixtureParameters,
  alpha: number,
): MixtureParameters {
  const combine = (a: Float64Array, b: Float64Array, c: Float64Array) => {
    const out = new Float64Array(a.length);
    for (let e = 0; e < a.length; e++) {
      const r = b[e] - a[e];
      const v = c[e] - 2 * b[e] + a[e];
      out[e] = a[e] - 2 * alpha * r + alpha * alpha * v;
    }
    return out;
  };
  return {
    ...p0,
    weights: combine(p0.weights, p1.weights, p2.weights),
    means: combine(p0.means, p1.means, p2.means),
    covariances: combine(p0.covariances, p1.covariances, p2.covariances),
  };
}

/** Weights in (0, 1) and every number finite; covariances are checked by their Cholesky. */
export function isUsable(parameters: MixtureParameters): boolean {
  for (const w of parameters.weights)
    if (!(w > 0 && w < 1) && parameters.nComponents > 1) return false;
  for (const key of PARAMETER_ARRAYS) {
    for (const value of parameters[key]) if (!Number.isFinite(value)) return false;
  }
  return true;
}

const PARAMETER_ARRAYS = ['weights', 'means', 'covariances'] as const;
