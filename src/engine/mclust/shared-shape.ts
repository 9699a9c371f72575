import { covarianceObjective, innerConverged, noWorseThanPrevious } from './objective.js';
import {
  determinantRoot,
  geometricMean,
  scratchArray,
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
  // or the full matrices (VEE).
  const eigen: Eigen[] =
    type === 'VEV'
      ? Array.from({ length: K }, (_, k) => symmetricEigen(scatter, k * d * d, d))
      : [];
  const diagonal = type !== 'VEE';
  // reduced[k·stride …]: d (a diagonal, eigenvalues) or d×d (VEE: the scatter itself).
  const stride = diagonal ? d : d * d;
  let reduced = scatter;
  if (type !== 'VEE') {
    reduced = scratchArray('shared-shape reduced', K * d);
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < d; a++) {
        reduced[k * d + a] = type === 'VEV' ? eigen[k].values[a] : scatter[k * d * d + a * d + a];
      }
    }
  }
  const traceOf = (k: number) => {
    let trace = 0;
    for (let a = 0; a < d; a++) trace += reduced[k * stride + (diagonal ? a : a * d + a)];
    return trace;
  };

  // λₖ: from the previous covariances (λₖ = |Σₖ|^(1/d)) when given, else VII's.
  const volumes = scratchArray('shared-shape volumes', K);
  for (let k = 0; k < K; k++) {
    volumes[k] =
      previous === undefined ? traceOf(k) / (d * nk[k]) : determinantRoot(previous, k * d * d, d);
    if (!(volumes[k] > 0)) volumes[k] = traceOf(k) / (d * nk[k]);
  }

  // C (stride), and the scratch of the rounds: Σₖ reducedₖ/λₖ (stride), tr(C⁻¹ Sₖ) (K);
  // each written before it is read (scratchArray: shared by the M-steps of one K).
  const shape = scratchArray('shared-shape shape', stride);
  const pooled = scratchArray('shared-shape pooled', stride);
  const traces = scratchArray('shared-shape traces', K);
  let objective = Infinity;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    // C from the volumes.
    pooled.fill(0);
    for (let k = 0; k < K; k++) {
      for (let e = 0; e < stride; e++) pooled[e] += reduced[k * stride + e] / volumes[k];
    }
    // tr(C⁻¹ Sₖ) for each k: diagonal C directly; VEE through C's eigen-decomposition.
    traces.fill(0);
    if (diagonal) {
      const root = geometricMean(pooled);
      for (let e = 0; e < stride; e++) shape[e] = pooled[e] / root;
      for (let k = 0; k < K; k++) {
        for (let a = 0; a < d; a++) traces[k] += reduced[k * stride + a] / shape[a];
      }
    } else {
      const { values, vectors } = symmetricEigen(pooled, 0, d);
      const root = geometricMean(values);
      for (let e = 0; e < stride; e++) shape[e] = pooled[e] / root;
      for (let k = 0; k < K; k++) {
        const offset = k * stride;
        for (let j = 0; j < d; j++) {
          let quadratic = 0;
          for (let a = 0; a < d; a++) {
            let row = 0;
            for (let b = 0; b < d; b++) row += reduced[offset + a * d + b] * vectors[b * d + j];
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
