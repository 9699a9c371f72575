import { covarianceObjective, innerConverged, noWorseThanPrevious } from './objective.js';
import {
  geometricMean,
  largestEigenvalue,
  nearestOrthogonal,
  rotatedDiagonal,
  scratchArray,
  symmetricEigen,
  writeRotated,
} from './symmetric.js';

/** Rounds (shapes given D, then one MM step for D) allowed to one M-step. */
const MAX_ITERATIONS = 1000;

/**
 * EVE (Σₖ = λ D Aₖ Dᵀ) and VVE (Σₖ = D Cₖ Dᵀ, Cₖ = λₖ Aₖ diagonal): one orientation D
 * shared by components of their own shapes. Given D, with vₖ = diag(Dᵀ Sₖ D):
 *   EVE  Aₖ = vₖ / |vₖ|^(1/d),  λ = Σₖ |vₖ|^(1/d) / n
 *   VVE  Cₖ = vₖ / Nₖ
 * Given the diagonal precisions Mₖ = (λAₖ)⁻¹ or Cₖ⁻¹, D minimises
 *   g(D) = Σₖ tr(Sₖ D Mₖ Dᵀ)
 * over orthogonal D, which has no closed form: Browne & McNicholas (2014) majorise g
 * and step to the orthogonal D maximising tr(Dᵀ G) (G = U S Vᵀ → D = U Vᵀ), with
 * alternately (αₖ the largest eigenvalue of Sₖ, βₖ the largest entry of Mₖ)
 *   G = Σₖ (αₖ D₀ Mₖ − Sₖ D₀ Mₖ)     (Sₖ ≤ αₖ I)
 *   G = Σₖ (βₖ Sₖ D₀ − Sₖ D₀ Mₖ)     (Mₖ ≤ βₖ I, and tr(Dᵀ Sₖ D) = tr Sₖ for every D)
 * Those steps are slow when some Sₖ is ill-conditioned (αₖ far above the rest of its
 * spectrum), so each round also makes one Jacobi sweep: for every pair of columns
 * (p, q) of D, the plane rotation by θ that minimises g exactly. With
 * Tₖ = Dᵀ Sₖ D and δₖ = Mₖ,p − Mₖ,q, g changes by A cos 2θ + B sin 2θ − A, where
 *   A = ½ Σₖ δₖ (Tₖ,pp − Tₖ,qq),  B = Σₖ δₖ Tₖ,pq,
 * least at 2θ = atan2(−B, −A) (Flury & Gautschi's pairwise idea for common principal
 * components, with the shapes held).
 * Each step lowers g, each shape update minimises F given D: F never rises.
 * D starts from the previous covariances' eigenvectors (their sum's: they share D),
 * else from the pooled scatter's (EEE's orientation).
 * `scatter` K×d×d (regularised, symmetric), `nk` K, `previous` K×d×d or undefined.
 */
export function commonOrientation(
  type: 'EVE' | 'VVE',
  scatter: Float64Array,
  nk: Float64Array,
  d: number,
  previous: Float64Array | undefined,
): Float64Array {
  const K = nk.length;
  let n = 0;
  for (let k = 0; k < K; k++) n += nk[k];
  const start = new Float64Array(d * d);
  const source = previous ?? scatter;
  for (let k = 0; k < K; k++) {
    for (let e = 0; e < d * d; e++) start[e] += source[k * d * d + e];
  }
  // D (d×d, columns the directions): rotated in place by the Jacobi sweeps.
  const rotation = symmetricEigen(start, 0, d).vectors;
  // αₖ, the largest eigenvalue of each Sₖ (K).
  const largest = new Float64Array(K);
  for (let k = 0; k < K; k++) largest[k] = largestEigenvalue(scatter, k * d * d, d);

  // Scratch shared by the M-steps of one (K, d) (see scratchArray): diag(Dᵀ Sₖ D) and the
  // diagonal covariances in D's basis (K×d each), the EVE roots (K), G (d×d), one
  // component's precisions (d), and the sweeps' Tₖ (K×d×d).
  const projected = scratchArray('common-orientation projected', K * d);
  const diagonals = scratchArray('common-orientation diagonals', K * d);
  const roots = scratchArray('common-orientation roots', K);
  const g = scratchArray('common-orientation g', d * d);
  const precision = scratchArray('common-orientation precision', d);
  const rotatedScatter = scratchArray('common-orientation rotated scatter', K * d * d);
  // The diagonal covariances given D, and F at them.
  const fitShapes = (): number => {
    for (let k = 0; k < K; k++) rotatedDiagonal(scatter, k * d * d, rotation, d, projected, k * d);
    if (type === 'VVE') {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < d; j++) diagonals[k * d + j] = projected[k * d + j] / nk[k];
      }
    } else {
      let volume = 0;
      for (let k = 0; k < K; k++) {
        roots[k] = geometricMean(projected, k * d, d);
        volume += roots[k];
      }
      volume /= n;
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < d; j++) {
          diagonals[k * d + j] = (projected[k * d + j] * volume) / roots[k];
        }
      }
    }
    let objective = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        const e = k * d + j;
        objective += nk[k] * Math.log(diagonals[e]) + projected[e] / diagonals[e];
      }
    }
    return objective;
  };

  let objective = fitShapes();
  for (let iteration = 0; iteration < MAX_ITERATIONS && Number.isFinite(objective); iteration++) {
    g.fill(0);
    const firstKind = iteration % 2 === 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) precision[j] = 1 / diagonals[k * d + j];
      const bound = firstKind ? largest[k] : largestOf(precision);
      for (let a = 0; a < d; a++) {
        for (let j = 0; j < d; j++) {
          // (Sₖ D₀)[a, j]
          let sd = 0;
          for (let b = 0; b < d; b++) sd += scatter[k * d * d + a * d + b] * rotation[b * d + j];
          const term = firstKind
            ? bound * rotation[a * d + j] * precision[j] - sd * precision[j]
            : bound * sd - sd * precision[j];
          g[a * d + j] += term;
        }
      }
    }
    rotation.set(nearestOrthogonal(g, d));
    fitShapes();
    jacobiSweep(scatter, K, d, rotation, diagonals, rotatedScatter);
    const next = fitShapes();
    const done = innerConverged(objective, next);
    objective = next;
    if (done) break;
  }

  const out = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    writeRotated(rotation, diagonals.subarray(k * d, (k + 1) * d), 1, out, k * d * d, d);
  }
  return noWorseThanPrevious(
    out,
    covarianceObjective(out, scatter, nk, d),
    previous,
    scatter,
    nk,
    d,
  );
}

/** Math.max(...values) without the spread: NaN when any is NaN, +0 above −0. */
function largestOf(values: Float64Array): number {
  let largest = -Infinity;
  for (const value of values) {
    if (Number.isNaN(value)) return NaN;
    if (value > largest || (value === 0 && Object.is(largest, -0))) largest = value;
  }
  return largest;
}

/**
 * One sweep of exact plane rotations of D's columns (see commonOrientation), with the
 * diagonal covariances `diagonals` (K×d, flat) held: lowers Σₖ tr(Sₖ D Mₖ Dᵀ), Mₖ = 1/diagonals[k].
 * Rotates `rotation` (d×d, columns the directions) in place; `t` (K×d×d) is scratch.
 */
function jacobiSweep(
  scatter: Float64Array,
  K: number,
  d: number,
  rotation: Float64Array,
  diagonals: Float64Array,
  t: Float64Array,
): void {
  // Tₖ = Dᵀ Sₖ D, kept up to date under each rotation (every entry written here).
  for (let k = 0; k < K; k++) {
    for (let p = 0; p < d; p++) {
      for (let q = p; q < d; q++) {
        let sum = 0;
        for (let a = 0; a < d; a++) {
          let row = 0;
          for (let b = 0; b < d; b++) row += scatter[k * d * d + a * d + b] * rotation[b * d + q];
          sum += rotation[a * d + p] * row;
        }
        t[k * d * d + p * d + q] = sum;
        t[k * d * d + q * d + p] = sum;
      }
    }
  }
  for (let p = 0; p < d; p++) {
    for (let q = p + 1; q < d; q++) {
      let a = 0;
      let b = 0;
      for (let k = 0; k < K; k++) {
        const delta = 1 / diagonals[k * d + p] - 1 / diagonals[k * d + q];
        const o = k * d * d;
        a += 0.5 * delta * (t[o + p * d + p] - t[o + q * d + q]);
        b += delta * t[o + p * d + q];
      }
      if (!(Math.hypot(a, b) > 0)) continue;
      const angle = 0.5 * Math.atan2(-b, -a);
      // Only a gain is taken (at θ = 0 the change is 0).
      if (!(a * Math.cos(2 * angle) + b * Math.sin(2 * angle) - a < 0)) continue;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      // columns p, q of D: d_p ← c d_p + s d_q, d_q ← −s d_p + c d_q
      for (let r = 0; r < d; r++) {
        const dp = rotation[r * d + p];
        const dq = rotation[r * d + q];
        rotation[r * d + p] = c * dp + s * dq;
        rotation[r * d + q] = -s * dp + c * dq;
      }
      // Tₖ ← Gᵀ Tₖ G for the same rotation G (rows then columns p, q)
      for (let k = 0; k < K; k++) {
        const o = k * d * d;
        for (let r = 0; r < d; r++) {
          const tp = t[o + r * d + p];
          const tq = t[o + r * d + q];
          t[o + r * d + p] = c * tp + s * tq;
          t[o + r * d + q] = -s * tp + c * tq;
        }
        for (let r = 0; r < d; r++) {
          const tp = t[o + p * d + r];
          const tq = t[o + q * d + r];
          t[o + p * d + r] = c * tp + s * tq;
          t[o + q * d + r] = -s * tp + c * tq;
        }
      }
    }
  }
}
