/**
 * A naive reference implementation of the Gaussian-mixture maths, written from the
 * textbook formulas on plain nested arrays (number[][]), for the engine tests to
 * compare against. Nothing here calls the engine's maths; only `Random` (to draw
 * data) and the engine's types (to convert to and from its flat arrays) are shared.
 */
import type { Random } from '../../src/engine/random.js';
import type { CovarianceType, DataMatrix, MixtureParameters } from '../../src/engine/types.js';

export type Vector = number[];
export type Matrix = number[][];

export interface ReferenceMixture {
  readonly weights: Vector;
  readonly means: Matrix;
  readonly covariances: Matrix[];
}

// ---------------------------------------------------------------------------
// Linear algebra on nested arrays

export function identity(d: number): Matrix {
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)),
  );
}

export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function copyMatrix(a: Matrix): Matrix {
  return a.map((row) => [...row]);
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  const out = zeros(a.length, b[0].length);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b[0].length; j++) {
      let s = 0;
      for (let k = 0; k < b.length; k++) s += a[i][k] * b[k][j];
      out[i][j] = s;
    }
  }
  return out;
}

export function transpose(a: Matrix): Matrix {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

/** Determinant by Gaussian elimination with partial pivoting. */
export function determinant(input: Matrix): number {
  const a = copyMatrix(input);
  const n = a.length;
  let det = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    }
    if (a[pivot][col] === 0) return 0;
    if (pivot !== col) {
      [a[pivot], a[col]] = [a[col], a[pivot]];
      det = -det;
    }
    det *= a[col][col];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row][col] / a[col][col];
      for (let k = col; k < n; k++) a[row][k] -= factor * a[col][k];
    }
  }
  return det;
}

/** Inverse by Gauss–Jordan elimination on [A | I] with partial pivoting. */
export function inverse(input: Matrix): Matrix {
  const n = input.length;
  const a = input.map((row, i) => [...row, ...identity(n)[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    }
    if (a[pivot][col] === 0) throw new Error('singular matrix');
    [a[pivot], a[col]] = [a[col], a[pivot]];
    const p = a[col][col];
    for (let k = 0; k < 2 * n; k++) a[col][k] /= p;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = a[row][col];
      for (let k = 0; k < 2 * n; k++) a[row][k] -= factor * a[col][k];
    }
  }
  return a.map((row) => row.slice(n));
}

/** Lower-triangular L with A = L Lᵀ (Cholesky–Banachiewicz). */
export function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error('not positive definite');
        l[i][i] = Math.sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  return l;
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, ascending. */
export function symmetricEigenvalues(input: Matrix): Vector {
  const a = copyMatrix(input);
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((row, i) => row[i]).sort((x, y) => x - y);
}

/** (x − μ)ᵀ A (x − μ). */
export function quadraticForm(x: Vector, mu: Vector, a: Matrix): number {
  const diff = x.map((v, j) => v - mu[j]);
  let s = 0;
  for (let i = 0; i < diff.length; i++) {
    for (let j = 0; j < diff.length; j++) s += diff[i] * a[i][j] * diff[j];
  }
  return s;
}

// ---------------------------------------------------------------------------
// Gaussian densities and EM, straight from the formulas

/** (2π)^{-d/2} |Σ|^{-1/2} exp(−½ (x−μ)ᵀ Σ⁻¹ (x−μ)). */
export function gaussianDensity(x: Vector, mu: Vector, sigma: Matrix): number {
  const d = x.length;
  return (
    Math.pow(2 * Math.PI, -d / 2) *
    Math.pow(determinant(sigma), -0.5) *
    Math.exp(-0.5 * quadraticForm(x, mu, inverse(sigma)))
  );
}

/** log of gaussianDensity, for rows where the density itself underflows. */
export function gaussianLogDensity(x: Vector, mu: Vector, sigma: Matrix): number {
  const d = x.length;
  return (
    (-d / 2) * Math.log(2 * Math.PI) -
    0.5 * Math.log(determinant(sigma)) -
    0.5 * quadraticForm(x, mu, inverse(sigma))
  );
}

export interface ReferenceEStep {
  /** n×K: πₖ N(xᵢ|μₖ,Σₖ) / Σₗ πₗ N(xᵢ|μₗ,Σₗ) */
  readonly resp: Matrix;
  /** n: log Σₖ πₖ N(xᵢ|μₖ,Σₖ) */
  readonly logDensity: Vector;
  readonly logLikelihood: number;
}

/** E-step with the densities themselves (no log-sum-exp): fine for rows near the components. */
export function referenceEStep(rows: Matrix, mixture: ReferenceMixture): ReferenceEStep {
  const K = mixture.weights.length;
  const resp: Matrix = [];
  const logDensity: Vector = [];
  let logLikelihood = 0;
  for (const x of rows) {
    const p: Vector = [];
    for (let k = 0; k < K; k++) {
      p.push(mixture.weights[k] * gaussianDensity(x, mixture.means[k], mixture.covariances[k]));
    }
    const total = p.reduce((s, v) => s + v, 0);
    resp.push(p.map((v) => v / total));
    logDensity.push(Math.log(total));
    logLikelihood += Math.log(total);
  }
  return { resp, logDensity, logLikelihood };
}

export function referenceLogLikelihood(rows: Matrix, mixture: ReferenceMixture): number {
  return referenceEStep(rows, mixture).logLikelihood;
}

/**
 * M-step from the weighted formulas:
 *   Nₖ = Σᵢ rᵢₖ + 10ε, πₖ = Nₖ / Σₗ Nₗ, μₖ = Σᵢ rᵢₖ xᵢ / Nₖ
 *   full       Σₖ = Σᵢ rᵢₖ (xᵢ−μₖ)(xᵢ−μₖ)ᵀ / Nₖ + reg I
 *   tied       Σ  = Σₖ Σᵢ rᵢₖ (xᵢ−μₖ)(xᵢ−μₖ)ᵀ / n + reg I
 *   diag       Σₖ = diagonal of full
 *   spherical  Σₖ = (mean of the diag variances) I
 */
export function referenceMStep(
  rows: Matrix,
  resp: Matrix,
  covarianceType: CovarianceType,
  regCovar: number,
): ReferenceMixture {
  const n = rows.length;
  const d = rows[0].length;
  const K = resp[0].length;
  const nk: Vector = [];
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += resp[i][k];
    nk.push(s + 10 * Number.EPSILON);
  }
  const nkTotal = nk.reduce((s, v) => s + v, 0);
  const weights = nk.map((v) => v / nkTotal);
  const means: Matrix = [];
  for (let k = 0; k < K; k++) {
    const mu = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += resp[i][k] * rows[i][j];
    means.push(mu.map((v) => v / nk[k]));
  }
  const scatter: Matrix[] = [];
  for (let k = 0; k < K; k++) {
    const s = zeros(d, d);
    for (let i = 0; i < n; i++) {
      const diff = rows[i].map((v, j) => v - means[k][j]);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) s[a][b] += resp[i][k] * diff[a] * diff[b];
      }
    }
    scatter.push(s);
  }
  const full = scatter.map((s, k) =>
    s.map((row, a) => row.map((v, b) => v / nk[k] + (a === b ? regCovar : 0))),
  );
  let covariances: Matrix[];
  switch (covarianceType) {
    case 'full':
      covariances = full;
      break;
    case 'tied': {
      const pooled = zeros(d, d);
      for (const s of scatter)
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) pooled[a][b] += s[a][b];
      const tied = pooled.map((row, a) => row.map((v, b) => v / n + (a === b ? regCovar : 0)));
      covariances = Array.from({ length: K }, () => copyMatrix(tied));
      break;
    }
    case 'diag':
      covariances = full.map((c) => c.map((row, a) => row.map((v, b) => (a === b ? v : 0))));
      break;
    case 'spherical':
      covariances = full.map((c) => {
        let mean = 0;
        for (let a = 0; a < d; a++) mean += c[a][a];
        mean /= d;
        return identity(d).map((row) => row.map((v) => v * mean));
      });
      break;
    default:
      throw new Error(
        `referenceMStep covers scikit-learn's four structures, not ${covarianceType}`,
      );
  }
  return { weights, means, covariances };
}

// ---------------------------------------------------------------------------
// Conversions to and from the engine's flat arrays

export function toDataMatrix(rows: Matrix): DataMatrix {
  const nSamples = rows.length;
  const nFeatures = rows[0].length;
  const values = new Float64Array(nSamples * nFeatures);
  rows.forEach((row, i) => row.forEach((v, j) => (values[i * nFeatures + j] = v)));
  return { values, nSamples, nFeatures };
}

export function toRows(data: DataMatrix): Matrix {
  const { values, nSamples, nFeatures: d } = data;
  return Array.from({ length: nSamples }, (_, i) => Array.from(values.subarray(i * d, i * d + d)));
}

/** Flat n×K → nested. */
export function unflatten(flat: ArrayLike<number>, nRows: number, nCols: number): Matrix {
  return Array.from({ length: nRows }, (_, i) =>
    Array.from({ length: nCols }, (_, j) => flat[i * nCols + j]),
  );
}

export function flatten(rows: Matrix): Float64Array {
  return Float64Array.from(rows.flat());
}

export function toParameters(
  mixture: ReferenceMixture,
  covarianceType: CovarianceType,
): MixtureParameters {
  const K = mixture.weights.length;
  const d = mixture.means[0].length;
  return {
    nComponents: K,
    nFeatures: d,
    covarianceType,
    weights: Float64Array.from(mixture.weights),
    means: Float64Array.from(mixture.means.flat()),
    covariances: Float64Array.from(mixture.covariances.flatMap((c) => c.flat())),
  };
}

export function fromParameters(parameters: MixtureParameters): ReferenceMixture {
  const { nComponents: K, nFeatures: d } = parameters;
  return {
    weights: Array.from(parameters.weights),
    means: unflatten(parameters.means, K, d),
    covariances: Array.from({ length: K }, (_, k) =>
      unflatten(parameters.covariances.subarray(k * d * d, (k + 1) * d * d), d, d),
    ),
  };
}

// ---------------------------------------------------------------------------
// Drawing data and parameters

/** n rows from the mixture: component by cumulative weight, x = μ + L z with Σ = L Lᵀ. */
export function sampleMixture(
  random: Random,
  mixture: ReferenceMixture,
  n: number,
): { rows: Matrix; labels: number[] } {
  const factors = mixture.covariances.map(cholesky);
  const d = mixture.means[0].length;
  const rows: Matrix = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = random.nextFloat();
    let k = 0;
    let cumulative = mixture.weights[0];
    while (u >= cumulative && k < mixture.weights.length - 1) cumulative += mixture.weights[++k];
    const z = Array.from({ length: d }, () => random.nextNormal());
    const l = factors[k];
    rows.push(
      Array.from({ length: d }, (_, a) => {
        let s = mixture.means[k][a];
        for (let b = 0; b <= a; b++) s += l[a][b] * z[b];
        return s;
      }),
    );
    labels.push(k);
  }
  return { rows, labels };
}

/** A random covariance of the given structure (well conditioned). */
export function randomCovariance(
  random: Random,
  d: number,
  covarianceType: CovarianceType,
): Matrix {
  if (covarianceType === 'full' || covarianceType === 'tied') {
    const a = Array.from({ length: d }, () => Array.from({ length: d }, () => random.nextNormal()));
    const aat = multiply(a, transpose(a));
    return aat.map((row, i) => row.map((v, j) => v / d + (i === j ? 0.3 : 0)));
  }
  if (covarianceType === 'diag') {
    return identity(d).map((row) => row.map((v) => v * (0.3 + 1.5 * random.nextFloat())));
  }
  const s = 0.3 + 1.5 * random.nextFloat();
  return identity(d).map((row) => row.map((v) => v * s));
}

/** A random mixture of the given structure (tied shares one covariance). */
export function randomMixture(
  random: Random,
  K: number,
  d: number,
  covarianceType: CovarianceType,
): ReferenceMixture {
  const raw = Array.from({ length: K }, () => 0.2 + random.nextFloat());
  const total = raw.reduce((s, v) => s + v, 0);
  const weights = raw.map((v) => v / total);
  const means = Array.from({ length: K }, () =>
    Array.from({ length: d }, () => 1.5 * random.nextNormal()),
  );
  const shared = randomCovariance(random, d, covarianceType);
  const covariances = Array.from({ length: K }, () =>
    covarianceType === 'tied' ? copyMatrix(shared) : randomCovariance(random, d, covarianceType),
  );
  return { weights, means, covariances };
}

/** n rows of N(0, spread² I). */
export function randomRows(random: Random, n: number, d: number, spread = 2): Matrix {
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, () => spread * random.nextNormal()),
  );
}

/** Random soft responsibilities: each row uniform draws, normalised. */
export function randomResponsibilities(random: Random, n: number, K: number): Matrix {
  return Array.from({ length: n }, () => {
    const u = Array.from({ length: K }, () => 0.01 + random.nextFloat());
    const total = u.reduce((s, v) => s + v, 0);
    return u.map((v) => v / total);
  });
}

// ---------------------------------------------------------------------------
// Comparisons

/** |actual − expected| ≤ tolerance · max(1, |expected|), with a message naming what differs. */
export function assertClose(
  actual: number,
  expected: number,
  tolerance: number,
  what = 'value',
): void {
  const bound = tolerance * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= bound)) {
    throw new Error(
      `${what}: expected ${expected}, got ${actual} (difference ${Math.abs(actual - expected)} > ${bound})`,
    );
  }
}

export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what = 'array',
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    assertClose(actual[i], expected[i], tolerance, `${what}[${i}]`);
  }
}

/** Bytes of a typed array, for bitwise comparisons. */
export function bytes(array: Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Naive greedy agglomeration, O(n³) and more: start from one cluster per row and, until
 * K are left, merge the pair whose merge raises `cost` (of a cluster's rows) least,
 * every pair recomputed at every step. Clusters as sorted row lists, ordered by first row.
 */
export function greedyAgglomeration(
  nRows: number,
  K: number,
  cost: (members: number[]) => number,
): number[][] {
  let clusters: number[][] = Array.from({ length: nRows }, (_, i) => [i]);
  while (clusters.length > K) {
    let best = [0, 1];
    let bestRise = Infinity;
    for (let a = 0; a < clusters.length; a++) {
      for (let b = a + 1; b < clusters.length; b++) {
        const rise = cost([...clusters[a], ...clusters[b]]) - cost(clusters[a]) - cost(clusters[b]);
        if (rise < bestRise) {
          bestRise = rise;
          best = [a, b];
        }
      }
    }
    const merged = [...clusters[best[0]], ...clusters[best[1]]];
    clusters = clusters.filter((_, c) => c !== best[0] && c !== best[1]);
    clusters.push(merged);
  }
  return canonicalPartition(clusters);
}

/** Clusters as sorted row lists, ordered by first row: one form for any labelling. */
export function canonicalPartition(clusters: number[][]): number[][] {
  return clusters.map((c) => [...c].sort((x, y) => x - y)).sort((x, y) => x[0] - y[0]);
}
