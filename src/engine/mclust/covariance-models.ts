import { commonOrientation } from './common-orientation.js';
import { sharedShapeOrVolume } from './shared-shape.js';
import { geometricMean, symmetricEigen, writeRotated } from './symmetric.js';
import type { CovarianceType } from '../types.js';

/**
 * The covariance part of the M-step for mclust's models, by Celeux & Govaert's (1995)
 * eigen-decomposition Σₖ = λₖ Dₖ Aₖ Dₖᵀ (|Aₖ| = 1). Given the weighted scatters
 * Sₖ = Σᵢ rᵢₖ (xᵢ−μₖ)(xᵢ−μₖ)ᵀ and Nₖ = Σᵢ rᵢₖ (n = Σ Nₖ), each minimises
 *   F(Σ) = Σₖ [Nₖ log|Σₖ| + tr(Σₖ⁻¹ Sₖ)]   (−2 × the expected complete-data ℓ, up to constants)
 * over its constraint set. Closed forms (Sₖ = Lₖ Ωₖ Lₖᵀ, eigenvalues descending; W = Σ Sₖ):
 *   EII  Σₖ = tr(W)/(n d) · I                 VII  Σₖ = tr(Sₖ)/(Nₖ d) · I
 *   EEI  Σₖ = diag(W)/n                       VVI  Σₖ = diag(Sₖ)/Nₖ
 *   EVI  Σₖ = λ Bₖ, Bₖ = diag(Sₖ)/|diag(Sₖ)|^(1/d), λ = Σₖ |diag(Sₖ)|^(1/d) / n
 *   EEE  Σₖ = W/n                             VVV  Σₖ = Sₖ/Nₖ
 *   EEV  Σₖ = Lₖ (Σₗ Ωₗ / n) Lₖᵀ
 *   EVV  Σₖ = λ Sₖ/|Sₖ|^(1/d), λ = Σₖ |Sₖ|^(1/d) / n
 * and iterative ones: VEI, VEE, VEV alternate volume and shared shape (shared-shape.ts);
 * EVE, VVE alternate shapes and the common orientation D, D by Browne & McNicholas'
 * (2014) MM steps (common-orientation.ts).
 *
 * `scatter`: K×d×d, symmetric (both triangles), the regularisation already added
 * (reg·Nₖ on each diagonal, see m-step.ts); models with orientation I read only the
 * diagonals. `nk`: K. `previous`: K×d×d, the covariances of the parameters whose E-step
 * gave the scatter: the iterative models start from them and never return a worse F
 * (so EM's ℓ cannot fall). Returns K×d×d covariances.
 */
export function constrainedCovariances(
  type: CovarianceType,
  scatter: Float64Array,
  nk: Float64Array,
  d: number,
  previous: Float64Array | undefined,
): Float64Array {
  const K = nk.length;
  const n = nk.reduce((sum, value) => sum + value, 0);
  const out = new Float64Array(K * d * d);
  const diagonalOf = (k: number) => {
    const values = new Float64Array(d);
    for (let a = 0; a < d; a++) values[a] = scatter[k * d * d + a * d + a];
    return values;
  };
  const writeDiagonal = (k: number, values: Float64Array, scale: number) => {
    for (let a = 0; a < d; a++) out[k * d * d + a * d + a] = values[a] * scale;
  };
  switch (type) {
    case 'EII': {
      let trace = 0;
      for (let k = 0; k < K; k++) for (const value of diagonalOf(k)) trace += value;
      const ones = new Float64Array(d).fill(1);
      for (let k = 0; k < K; k++) writeDiagonal(k, ones, trace / (n * d));
      return out;
    }
    case 'spherical':
      for (let k = 0; k < K; k++) {
        const values = diagonalOf(k);
        const trace = values.reduce((sum, value) => sum + value, 0);
        writeDiagonal(k, new Float64Array(d).fill(1), trace / (nk[k] * d));
      }
      return out;
    case 'EEI': {
      const pooled = new Float64Array(d);
      for (let k = 0; k < K; k++) diagonalOf(k).forEach((value, a) => (pooled[a] += value));
      for (let k = 0; k < K; k++) writeDiagonal(k, pooled, 1 / n);
      return out;
    }
    case 'diag':
      for (let k = 0; k < K; k++) writeDiagonal(k, diagonalOf(k), 1 / nk[k]);
      return out;
    case 'EVI': {
      const diagonals = Array.from({ length: K }, (_, k) => diagonalOf(k));
      const roots = diagonals.map((values) => geometricMean(values));
      const volume = roots.reduce((sum, value) => sum + value, 0) / n;
      for (let k = 0; k < K; k++) writeDiagonal(k, diagonals[k], volume / roots[k]);
      return out;
    }
    case 'tied': {
      for (let k = 0; k < K; k++) {
        for (let e = 0; e < d * d; e++) out[e] += scatter[k * d * d + e] / n;
      }
      for (let k = 1; k < K; k++) out.copyWithin(k * d * d, 0, d * d);
      return out;
    }
    case 'full':
      for (let e = 0; e < K * d * d; e++) out[e] = scatter[e] / nk[Math.floor(e / (d * d))];
      return out;
    case 'EEV': {
      const eigen = Array.from({ length: K }, (_, k) => symmetricEigen(scatter, k * d * d, d));
      const shape = new Float64Array(d);
      for (const { values } of eigen) values.forEach((value, a) => (shape[a] += value));
      for (let k = 0; k < K; k++) writeRotated(eigen[k].vectors, shape, 1 / n, out, k * d * d, d);
      return out;
    }
    case 'EVV': {
      const roots = Array.from({ length: K }, (_, k) =>
        geometricMean(symmetricEigen(scatter, k * d * d, d).values),
      );
      const volume = roots.reduce((sum, value) => sum + value, 0) / n;
      for (let k = 0; k < K; k++) {
        for (let e = 0; e < d * d; e++) {
          out[k * d * d + e] = (scatter[k * d * d + e] * volume) / roots[k];
        }
      }
      return out;
    }
    case 'VEI':
    case 'VEE':
    case 'VEV':
      return sharedShapeOrVolume(type, scatter, nk, d, previous);
    case 'EVE':
    case 'VVE':
      return commonOrientation(type, scatter, nk, d, previous);
  }
}
