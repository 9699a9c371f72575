import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { joinedLabels, labelRemainingRows } from './hierarchical.js';
import type { DataMatrix } from './types.js';

/**
 * A deterministic start like mclust's default one: model-based agglomerative
 * clustering for unconstrained covariances (Banfield & Raftery 1993; Fraley 1998,
 * "Algorithms for model-based Gaussian hierarchical clustering", mclust's `hcVVV`) on
 * the "SVD" transform of the data (mclust's default `hcUse`), cut at K. Ward's
 * hierarchy (hierarchical.ts) merges by squared distance alone, so it sees round
 * clusters; this one merges the pair whose union has the likeliest Gaussian with its
 * own covariance, so it follows elongated and correlated groups. At d = 30 (the
 * breast-cancer data) its partitions start EM next to optima that hundreds of random
 * starts and Ward's start miss.
 *
 * The criterion (Fraley 1998, §3.3; the regularised form mclust uses, so that
 * clusters of up to d rows, whose scatter is singular, still have a finite cost):
 *   cluster C of n rows, scatter W (d×d) with trace t:
 *     cost(C) = n·log(β(t + α)/n)                  when n ≤ d
 *             = n·log(det(W/n) + β(t + α)/n)       when n > d
 *   α = tr(total scatter of Z)/(n·d) (the mean column variance of Z), β = 1;
 * at every step the pair (A, B) of least cost(A ∪ B) − cost(A) − cost(B) merges. The
 * union's scatter is W_A + W_B + (n_A n_B/(n_A + n_B)) δδᵀ, δ = c_A − c_B. The
 * criterion is not reducible (a merge can make another pair cheaper), so the greedy
 * order is kept and the cut at K is the state after m − K merges (mclust's `hclass`).
 *
 * The SVD transform: columns standardised (sample sd), then rotated to the principal
 * axes and each axis divided by the square root of its singular value,
 * Z = X V D^-½ (X = U D Vᵀ): half-way to whitening, so a few dominant columns do
 * not decide every merge alone.
 *
 * Cost: O(m²) pair costs, each O(d) while the union has at most d rows and a
 * Cholesky factorisation (d³/6) beyond; the hierarchy is built on the first
 * `maxRows` rows (the search data are already a random subsample when large), the
 * others join the nearest cluster centre (hierarchical.ts, labelRemainingRows). The
 * merge order is kept per data matrix (a WeakMap on its values), so the cells of one
 * sweep cut one hierarchy. Ties go to the lower indices: the result is a function
 * of the data.
 */

/** β of the criterion (mclust's default). */
const BETA = 1;

/** Directions of the standardised data whose eigenvalue is below this share of the largest are dropped (no variance to scale). */
const NULL_DIRECTION = 1e-12;

/** Merges (a absorbs b, a < b), in the order made, of one data matrix's first `maxRows` rows. */
interface Hierarchy {
  readonly rows: number;
  readonly keep: Int32Array;
  readonly drop: Int32Array;
}

const hierarchies = new WeakMap<Float64Array, Map<number, Hierarchy>>();

/** n labels in 0..K−1: the model-based hierarchy of `data` cut at `nComponents`. */
export function modelHierarchyLabels(
  data: DataMatrix,
  nComponents: number,
  maxRows = 1000,
): Int32Array {
  const hierarchy = cachedHierarchy(data, maxRows);
  const m = hierarchy.rows;
  const K = Math.min(nComponents, m);
  const joins: [number, number][] = [];
  for (let e = 0; e < m - K && e < hierarchy.keep.length; e++) {
    joins.push([hierarchy.keep[e], hierarchy.drop[e]]);
  }
  const labels = joinedLabels(data.nSamples, m, joins);
  // Fewer merges than m − K (the hierarchy stopped early): more clusters than K.
  let nClusters = 0;
  for (let i = 0; i < m; i++) nClusters = Math.max(nClusters, labels[i] + 1);
  return labelRemainingRows(data, labels, m, nClusters);
}

function cachedHierarchy(data: DataMatrix, maxRows: number): Hierarchy {
  let byRows = hierarchies.get(data.values);
  if (byRows === undefined) {
    byRows = new Map();
    hierarchies.set(data.values, byRows);
  }
  const m = Math.min(data.nSamples, maxRows);
  let hierarchy = byRows.get(m);
  if (hierarchy === undefined) {
    const sizes =
      data.rowWeights === undefined
        ? new Float64Array(m).fill(1)
        : Float64Array.from(data.rowWeights.subarray(0, m));
    const { values, columns } = svdTransform(data.values, m, data.nFeatures, sizes);
    hierarchy = modelHierarchy(values, m, columns, sizes);
    byRows.set(m, hierarchy);
  }
  return hierarchy;
}

/**
 * mclust's "SVD" transform of the first m rows of `values` (row-major, d columns):
 * Z = X V D^-½ with X the standardised rows (each row counted `sizes[i]` times; sample
 * sd) and X = U D Vᵀ. Columns of no variance and null directions are left out.
 * Returns m×columns values.
 */
export function svdTransform(
  values: Float64Array,
  m: number,
  d: number,
  sizes: Float64Array,
): { values: Float64Array; columns: number } {
  let total = 0;
  for (let i = 0; i < m; i++) total += sizes[i];
  const mean = new Float64Array(d);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) mean[j] += sizes[i] * values[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= total;
  const sd = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) sd[j] += sizes[i] * (values[i * d + j] - mean[j]) ** 2;
  }
  const kept: number[] = [];
  for (let j = 0; j < d; j++) {
    sd[j] = Math.sqrt(sd[j] / Math.max(total - 1, 1));
    if (sd[j] > 0 && Number.isFinite(sd[j])) kept.push(j);
  }
  const p = kept.length;
  // X: m×p standardised; G = XᵀX (p×p) = V D² Vᵀ.
  const x = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < p; a++)
      x[i * p + a] = (values[i * d + kept[a]] - mean[kept[a]]) / sd[kept[a]];
  }
  const gram = new Matrix(p, p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += sizes[i] * x[i * p + a] * x[i * p + b];
      gram.set(a, b, s);
      gram.set(b, a, s);
    }
  }
  const eigen = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const eigenvalues = eigen.realEigenvalues;
  const vectors = eigen.eigenvectorMatrix;
  const largest = Math.max(...eigenvalues, 0);
  const axes = eigenvalues
    .map((value, index) => ({ value, index }))
    .filter((e) => e.value > NULL_DIRECTION * largest)
    .sort((e, f) => f.value - e.value || e.index - f.index);
  const columns = axes.length;
  const z = new Float64Array(m * columns);
  axes.forEach(({ value, index }, c) => {
    // D^-½ with D the singular value √value
    const scale = value ** -0.25;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += x[i * p + a] * vectors.get(a, index);
      z[i * columns + c] = s * scale;
    }
  });
  return { values: z, columns };
}

/**
 * The greedy model-based hierarchy of m rows (row-major m×d, row i standing for
 * `sizes[i]` identical rows) by the criterion of the header. Keeps, for each active
 * cluster, its cheapest partner; after a merge only the merged cluster's costs are
 * recomputed, and only the clusters whose partner it took are rescanned.
 */
export function modelHierarchy(
  values: Float64Array,
  m: number,
  d: number,
  sizes: Float64Array,
): Hierarchy {
  // α: the mean column variance of Z (tr of its total scatter over n·d)
  let total = 0;
  for (let i = 0; i < m; i++) total += sizes[i];
  const mean = new Float64Array(d);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) mean[j] += sizes[i] * values[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= total;
  let trace = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) trace += sizes[i] * (values[i * d + j] - mean[j]) ** 2;
  }
  const alpha = Math.max(trace / (total * d), Number.EPSILON);

  const count = Float64Array.from(sizes);
  const centre = Float64Array.from(values.subarray(0, m * d));
  const traceOf = new Float64Array(m);
  // scatter m×d×d, allocated for a cluster once it has more than one row
  const scatter: (Float64Array | undefined)[] = new Array(m).fill(undefined);
  const costOf = new Float64Array(m);
  for (let i = 0; i < m; i++) costOf[i] = clusterCost(count[i], 0, undefined, d, alpha);
  const active = new Uint8Array(m).fill(1);
  // pair costs, symmetric m×m
  const pair = new Float64Array(m * m);
  const delta = new Float64Array(d);
  const work = new Float64Array(d * d);
  const union = (a: number, b: number): { n: number; t: number; f: number } => {
    const n = count[a] + count[b];
    const f = n > 0 ? (count[a] * count[b]) / n : 0;
    let s = 0;
    for (let j = 0; j < d; j++) {
      delta[j] = centre[a * d + j] - centre[b * d + j];
      s += delta[j] * delta[j];
    }
    return { n, t: traceOf[a] + traceOf[b] + f * s, f };
  };
  const mergeCost = (a: number, b: number): number => {
    const { n, t, f } = union(a, b);
    let merged: Float64Array | undefined;
    if (n > d) {
      // W_A + W_B + f δδᵀ, in `work`
      const wa = scatter[a];
      const wb = scatter[b];
      for (let r = 0; r < d; r++) {
        for (let c = 0; c <= r; c++) {
          const e = r * d + c;
          work[e] =
            (wa === undefined ? 0 : wa[e]) +
            (wb === undefined ? 0 : wb[e]) +
            f * delta[r] * delta[c];
        }
      }
      merged = work;
    }
    return clusterCost(n, t, merged, d, alpha) - costOf[a] - costOf[b];
  };

  const partner = new Int32Array(m).fill(-1);
  const partnerCost = new Float64Array(m).fill(Infinity);
  const rescan = (a: number) => {
    partner[a] = -1;
    partnerCost[a] = Infinity;
    for (let b = 0; b < m; b++) {
      if (b === a || !active[b]) continue;
      const c = pair[a * m + b];
      if (c < partnerCost[a]) {
        partnerCost[a] = c;
        partner[a] = b;
      }
    }
  };
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const c = mergeCost(a, b);
      pair[a * m + b] = c;
      pair[b * m + a] = c;
    }
  }
  for (let a = 0; a < m; a++) rescan(a);

  const keep = new Int32Array(Math.max(m - 1, 0));
  const drop = new Int32Array(Math.max(m - 1, 0));
  for (let step = 0; step < m - 1; step++) {
    // the cheapest pair: lowest cost, then lowest indices
    let a = -1;
    for (let i = 0; i < m; i++) {
      if (!active[i] || partner[i] < 0) continue;
      if (a < 0 || partnerCost[i] < partnerCost[a]) a = i;
    }
    const b0 = partner[a];
    const lo = Math.min(a, b0);
    const hi = Math.max(a, b0);
    // hi joins lo
    const { n, t, f } = union(lo, hi);
    if (n > 1) {
      const merged = new Float64Array(d * d);
      const wl = scatter[lo];
      const wh = scatter[hi];
      for (let r = 0; r < d; r++) {
        for (let c = 0; c <= r; c++) {
          const e = r * d + c;
          merged[e] =
            (wl === undefined ? 0 : wl[e]) +
            (wh === undefined ? 0 : wh[e]) +
            f * delta[r] * delta[c];
        }
      }
      scatter[lo] = merged;
    }
    scatter[hi] = undefined;
    for (let j = 0; j < d && n > 0; j++) {
      centre[lo * d + j] = (count[lo] * centre[lo * d + j] + count[hi] * centre[hi * d + j]) / n;
    }
    count[lo] = n;
    traceOf[lo] = t;
    if (scatter[lo] !== undefined) work.set(scatter[lo]!);
    costOf[lo] = clusterCost(n, t, scatter[lo] === undefined ? undefined : work, d, alpha);
    active[hi] = 0;
    keep[step] = lo;
    drop[step] = hi;

    for (let c = 0; c < m; c++) {
      if (!active[c] || c === lo) continue;
      const cost = mergeCost(lo, c);
      pair[lo * m + c] = cost;
      pair[c * m + lo] = cost;
    }
    rescan(lo);
    for (let c = 0; c < m; c++) {
      if (!active[c] || c === lo) continue;
      if (partner[c] === lo || partner[c] === hi) rescan(c);
      else {
        const cost = pair[c * m + lo];
        if (cost < partnerCost[c] || (cost === partnerCost[c] && lo < partner[c])) {
          partnerCost[c] = cost;
          partner[c] = lo;
        }
      }
    }
  }
  return { rows: m, keep, drop };
}

/**
 * cost(C) of the header for a cluster of n rows, scatter trace t and scatter W (lower
 * triangle of a d×d, needed only when n > d; overwritten).
 */
function clusterCost(
  n: number,
  t: number,
  scatter: Float64Array | undefined,
  d: number,
  alpha: number,
): number {
  if (n <= 0) return 0;
  const logTrace = Math.log((BETA * (t + alpha)) / n);
  if (n <= d || scatter === undefined || t === 0) return n * logTrace;
  const logDet = logDeterminant(scatter, d, n);
  if (logDet === -Infinity) return n * logTrace;
  // log(det + β(t+α)/n) without overflow
  const high = Math.max(logDet, logTrace);
  return n * (high + Math.log1p(Math.exp(Math.min(logDet, logTrace) - high)));
}

/** log det(W/n) by Cholesky of W's lower triangle (d×d, overwritten); −∞ when not positive definite. */
function logDeterminant(w: Float64Array, d: number, n: number): number {
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    const row = j * d;
    let diagonal = w[row + j];
    for (let c = 0; c < j; c++) diagonal -= w[row + c] * w[row + c];
    if (!(diagonal > 0)) return -Infinity;
    const root = Math.sqrt(diagonal);
    w[row + j] = root;
    logDet += Math.log(root);
    for (let r = j + 1; r < d; r++) {
      const other = r * d;
      let s = w[other + j];
      for (let c = 0; c < j; c++) s -= w[other + c] * w[row + c];
      w[other + j] = s / root;
    }
  }
  return 2 * logDet - d * Math.log(n);
}
