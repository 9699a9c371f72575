/**
 * A naive, independent description of mclust's fourteen models for the tests: each
 * model as its own parametrisation θ ↦ (Σ₁ … Σ_K), Σₖ = λₖ Dₖ Aₖ Dₖᵀ with
 *   λₖ = exp(vₖ), Aₖ = diag(exp(sₖ₁ … sₖ,d−1, −Σ sₖⱼ)), Dₖ a product of Givens rotations,
 * and each of v, s, angles held once (E), per component (V) or fixed at zero (I).
 * Nothing here comes from src/engine/mclust/.
 */
import { MCLUST_NAMES, type CovarianceType } from '../../src/engine/types.js';
import { determinant, inverse, multiply, transpose, type Matrix } from './reference.js';

export interface Parametrisation {
  /** How many free numbers θ has. */
  readonly size: number;
  /** Σ₁ … Σ_K from θ. */
  build(theta: readonly number[]): Matrix[];
}

function rotation(angles: readonly number[], d: number): Matrix {
  let r: Matrix = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)),
  );
  let index = 0;
  for (let p = 0; p < d; p++) {
    for (let q = p + 1; q < d; q++) {
      const c = Math.cos(angles[index]);
      const s = Math.sin(angles[index]);
      index++;
      const g: Matrix = Array.from({ length: d }, (_, a) =>
        Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)),
      );
      g[p][p] = c;
      g[q][q] = c;
      g[p][q] = -s;
      g[q][p] = s;
      r = multiply(r, g);
    }
  }
  return r;
}

export function parametrisation(type: CovarianceType, K: number, d: number): Parametrisation {
  const [volume, shape, orientation] = MCLUST_NAMES[type].split('');
  const copies = (letter: string) => (letter === 'I' ? 0 : letter === 'E' ? 1 : K);
  const nVolume = copies(volume);
  const nShape = copies(shape) * (d - 1);
  const nAngles = (copies(orientation) * d * (d - 1)) / 2;
  return {
    size: nVolume + nShape + nAngles,
    build(theta) {
      return Array.from({ length: K }, (_, k) => {
        const v = theta[volume === 'E' ? 0 : k];
        const shapeStart = nVolume + (shape === 'V' ? k * (d - 1) : 0);
        const s =
          shape === 'I' ? new Array(d - 1).fill(0) : theta.slice(shapeStart, shapeStart + d - 1);
        const a = [...s, -s.reduce((t, x) => t + x, 0)].map(Math.exp);
        const perAngles = (d * (d - 1)) / 2;
        const angleStart = nVolume + nShape + (orientation === 'V' ? k * perAngles : 0);
        const angles =
          orientation === 'I'
            ? new Array(perAngles).fill(0)
            : theta.slice(angleStart, angleStart + perAngles);
        const r = rotation(angles, d);
        const ra = r.map((row) => row.map((x, j) => x * a[j] * Math.exp(v)));
        return multiply(ra, transpose(r));
      });
    },
  };
}

/** F(Σ) = Σₖ [Nₖ log|Σₖ| + tr(Σₖ⁻¹ Sₖ)], naively. */
export function naiveObjective(covariances: Matrix[], scatters: Matrix[], nk: number[]): number {
  let total = 0;
  covariances.forEach((sigma, k) => {
    const det = determinant(sigma);
    if (!(det > 0)) {
      total = Infinity;
      return;
    }
    const product = multiply(inverse(sigma), scatters[k]);
    let trace = 0;
    for (let a = 0; a < sigma.length; a++) trace += product[a][a];
    total += nk[k] * Math.log(det) + trace;
  });
  return total;
}
