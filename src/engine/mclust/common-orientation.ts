import { covarianceObjective, innerConverged, noWorseThanPrevious } from './objective.js';
import {
  geometricMean,
  nearestOrthogonal,
  rotatedDiagonal,
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
  const n = nk.reduce((sum, value) => sum + value, 0);
  const start = new Float64Array(d * d);
  const source = previous ?? scatter;
  for (let k = 0; k < K; k++) {
    for (let e = 0; e < d * d; e++) start[e] += source[k * d * d + e];
  }
  let rotation = symmetricEigen(start, 0, d).vectors;
  const largest = Array.from(
    { length: K },
    (_, k) => symmetricEigen(scatter, k * d * d, d).values[0],
  );

  // The diagonal covariances in D's basis (K×d) given D, and F at them.
  let diagonals: Float64Array[] = [];
  const fitShapes = (): number => {
    const projected = Array.from({ length: K }, (_, k) =>
      rotatedDiagonal(scatter, k * d * d, rotation, d),
    );
    if (type === 'VVE') {
      diagonals = projected.map((v, k) => v.map((value) => value / nk[k]));
    } else {
      const roots = projected.map(geometricMean);
      const volume = roots.reduce((sum, value) => sum + value, 0) / n;
      diagonals = projected.map((v, k) => v.map((value) => (value * volume) / roots[k]));
    }
    let objective = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        objective += nk[k] * Math.log(diagonals[k][j]) + projected[k][j] / diagonals[k][j];
      }
    }
    return objective;
  };

  let objective = fitShapes();
  for (let iteration = 0; iteration < MAX_ITERATIONS && Number.isFinite(objective); iteration++) {
    const g = new Float64Array(d * d);
    const firstKind = iteration % 2 === 0;
    for (let k = 0; k < K; k++) {
      const precision = diagonals[k].map((value) => 1 / value);
      const bound = firstKind ? largest[k] : Math.max(...precision);
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
    rotation = nearestOrthogonal(g, d);
    fitShapes();
    jacobiSweep(scatter, K, d, rotation, diagonals);
    const next = fitShapes();
    const done = innerConverged(objective, next);
    objective = next;
    if (done) break;
  }

  const out = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) writeRotated(rotation, diagonals[k], 1, out, k * d * d, d);
  return noWorseThanPrevious(
    out,
    covarianceObjective(out, scatter, nk, d),
    previous,
    scatter,
    nk,
    d,
  );
}

/**
 * One sweep of exact plane rotations of D's columns (see commonOrientation), with the
 * diagonal covariances `diagonals` (K×d) held: lowers Σₖ tr(Sₖ D Mₖ Dᵀ), Mₖ = 1/diagonals[k].
 * Rotates `rotation` (d×d, columns the directions) in place.
 */
function jacobiSweep(
  scatter: Float64Array,
  K: number,
  d: number,
  rotation: Float64Array,
  diagonals: readonly Float64Array[],
): void {
  // Tₖ = Dᵀ Sₖ D, kept up to date under each rotation.
  const t = new Float64Array(K * d * d);
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
        const delta = 1 / diagonals[k][p] - 1 / diagonals[k][q];
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
