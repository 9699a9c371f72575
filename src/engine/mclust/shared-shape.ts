import { covarianceObjective, innerConverged, noWorseThanPrevious } from './objective.js';
import {
  determinantRoot,
  geometricMean,
  symmetricEigen,
  writeRotated,
  type Eigen,
} from './symmetric.js';

/** Inner iterations allowed to one M-step (each costs O(K d³) at most). */
const MAX_ITERATIONS = 500;

/**
 * VEI, VEE and VEV: Σₖ = λₖ C with one shared C of determinant 1 (VEI: C diagonal;
 * VEE: C = D A Dᵀ; VEV: C = Dₖ A Dₖᵀ, orientation per component). Celeux & Govaert's
 * alternation, each half a minimiser of F given the other, so F never rises:
 *   C  = M / |M|^(1/d),  M = Σₖ Sₖ / λₖ        (VEI: diag(Sₖ); VEV: Ωₖ in each Lₖ's basis)
 *   λₖ = tr(C⁻¹ Sₖ) / (d Nₖ)
 * For VEV the orientation given λ and A is Lₖ, Sₖ's eigenvectors with the largest
 * eigenvalue against A's largest (von Neumann's trace inequality), whatever λ and A
 * are, so only λ and A iterate, on the eigenvalues Ωₖ.
 * `scatter` K×d×d (regularised, symmetric), `nk` K, `previous` K×d×d or undefined.
 */
export function sharedShapeOrVolume(
  type: 'VEI' | 'VEE' | 'VEV',
  scatter: Float64Array,
  nk: Float64Array,
  d: number,
  previous: Float64Array | undefined,
): Float64Array {
  const K = nk.length;
  // The shape is estimated on "reduced" scatters: diagonals (VEI), eigenvalues (VEV),
  // or the full matrices (VEE); `reduced[k]` is d (a diagonal) or d×d.
  const eigen: Eigen[] =
    type === 'VEV'
      ? Array.from({ length: K }, (_, k) => symmetricEigen(scatter, k * d * d, d))
      : [];
  const diagonal = type !== 'VEE';
  const reduced = Array.from({ length: K }, (_, k) => {
    if (type === 'VEV') return eigen[k].values;
    if (type === 'VEI') {
      const values = new Float64Array(d);
      for (let a = 0; a < d; a++) values[a] = scatter[k * d * d + a * d + a];
      return values;
    }
    return scatter.subarray(k * d * d, (k + 1) * d * d);
  });
  const traceOf = (k: number) => {
    let trace = 0;
    for (let a = 0; a < d; a++) trace += diagonal ? reduced[k][a] : reduced[k][a * d + a];
    return trace;
  };

  // λₖ: from the previous covariances (λₖ = |Σₖ|^(1/d)) when given, else VII's.
  const volumes = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    volumes[k] =
      previous === undefined ? traceOf(k) / (d * nk[k]) : determinantRoot(previous, k * d * d, d);
    if (!(volumes[k] > 0)) volumes[k] = traceOf(k) / (d * nk[k]);
  }

  let shape = new Float64Array(diagonal ? d : d * d);
  let objective = Infinity;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    // C from the volumes.
    const pooled = new Float64Array(diagonal ? d : d * d);
    for (let k = 0; k < K; k++) {
      for (let e = 0; e < pooled.length; e++) pooled[e] += reduced[k][e] / volumes[k];
    }
    // tr(C⁻¹ Sₖ) for each k: diagonal C directly; VEE through C's eigen-decomposition.
    let traces: Float64Array;
    if (diagonal) {
      const root = geometricMean(pooled);
      shape = pooled.map((value) => value / root);
      traces = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        for (let a = 0; a < d; a++) traces[k] += reduced[k][a] / shape[a];
      }
    } else {
      const { values, vectors } = symmetricEigen(pooled, 0, d);
      const root = geometricMean(values);
      shape = pooled.map((value) => value / root);
      traces = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < d; j++) {
          let quadratic = 0;
          for (let a = 0; a < d; a++) {
            let row = 0;
            for (let b = 0; b < d; b++) row += reduced[k][a * d + b] * vectors[b * d + j];
            quadratic += vectors[a * d + j] * row;
          }
          traces[k] += (quadratic * root) / values[j];
        }
      }
    }
    // λₖ from C; then F = Σₖ Nₖ d (log λₖ + 1) exactly (|C| = 1, tr(Σₖ⁻¹Sₖ) = d Nₖ).
    let next = 0;
    for (let k = 0; k < K; k++) {
      volumes[k] = traces[k] / (d * nk[k]);
      next += nk[k] * d * (Math.log(volumes[k]) + 1);
    }
    const done = innerConverged(objective, next);
    objective = next;
    if (done) break;
  }

  const out = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    const offset = k * d * d;
    if (type === 'VEV') {
      writeRotated(eigen[k].vectors, shape, volumes[k], out, offset, d);
    } else if (type === 'VEI') {
      for (let a = 0; a < d; a++) out[offset + a * d + a] = volumes[k] * shape[a];
    } else {
      for (let e = 0; e < d * d; e++) out[offset + e] = volumes[k] * shape[e];
    }
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
