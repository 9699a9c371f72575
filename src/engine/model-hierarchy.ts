import { joinedLabels, labelRemainingRows } from './hierarchical.js';
import { eigenScratch, symmetricEigenDecomposition } from './symmetric-eigen.js';
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
 * The hierarchy is mclust's, merge for merge (modelHierarchy below follows hcvvv):
 * the same positions, tie rule and arithmetic, and the same scatter for a cluster
 * once it is stored, which in mclust is not the cluster's own (hcvvv keeps only its
 * factor's first row; see modelHierarchy). On faithful (16 duplicate rows, whose
 * pairs all tie) the tie rule decides the partitions; the tests check every cut
 * K = 2..9 of faithful, iris, diabetes, thyroid and banknote against mclust's.
 *
 * The SVD transform: columns standardised (sample sd), then rotated to the principal
 * axes and each axis divided by the square root of its singular value,
 * Z = X V D^-½ (X = U D Vᵀ): half-way to whitening, so a few dominant columns do
 * not decide every merge alone.
 *
 * Cost: O(m²) pair costs, each O(d) while the union has at most d rows; beyond, the
 * determinant (O(d²) Givens rotations, O(k·d²) more when the older cluster keeps k
 * stored rows) is computed only for pairs that come up as the cheapest by the cost
 * without it (a lower bound). m = 1000, d = 30: about 0.33 s. The hierarchy is built
 * on the first `maxRows` rows (the search data are already a random subsample when
 * large) of positive weight, the others join the nearest cluster centre
 * (hierarchical.ts, labelRemainingRows). The
 * merge order is kept per data matrix (a WeakMap on its values), so the cells of one
 * sweep cut one hierarchy. The result is a function of the data (and their order).
 */

/** Directions of the standardised data whose eigenvalue is below this share of the largest are dropped (no variance to scale). */
const NULL_DIRECTION = 1e-12;

/**
 * Merges (row keep's cluster absorbs row drop's, keep < drop), in the order made, of
 * one data matrix's first `maxRows` rows; `placed` marks the rows taking part (size > 0).
 */
interface Hierarchy {
  readonly rows: number;
  readonly placed: Uint8Array;
  readonly keep: Int32Array;
  readonly drop: Int32Array;
  /**
   * Labels of every row by "rows:K", kept: the 14 structures of a sweep cut the
   * hierarchy at the same K (rows: the data's, which the labels cover).
   */
  readonly cuts: Map<string, Int32Array>;
}

const hierarchies = new WeakMap<Float64Array, Map<number, Hierarchy>>();

/** n labels in 0..K−1: the model-based hierarchy of `data` cut at `nComponents`. */
export function modelHierarchyLabels(
  data: DataMatrix,
  nComponents: number,
  maxRows = 1000,
): Int32Array {
  // One cluster holds every row: no hierarchy needed (a K = 1 fit alone builds none).
  if (nComponents <= 1) return new Int32Array(data.nSamples);
  const hierarchy = cachedHierarchy(data, maxRows);
  const key = `${data.nSamples}:${nComponents}`;
  let cut = hierarchy.cuts.get(key);
  if (cut === undefined) {
    cut = cutHierarchy(data, hierarchy, nComponents);
    hierarchy.cuts.set(key, cut);
  }
  // A copy: the caller may write to its labels.
  return cut.slice();
}

/** n labels in 0..K−1: `hierarchy` (of `data`) cut at `nComponents` (> 1). */
function cutHierarchy(data: DataMatrix, hierarchy: Hierarchy, nComponents: number): Int32Array {
  const m = hierarchy.rows;
  let nPlaced = 0;
  for (let i = 0; i < m; i++) nPlaced += hierarchy.placed[i];
  const K = Math.max(1, Math.min(nComponents, nPlaced));
  const joins: [number, number][] = [];
  for (let e = 0; e < nPlaced - K && e < hierarchy.keep.length; e++) {
    joins.push([hierarchy.keep[e], hierarchy.drop[e]]);
  }
  const labels = joinedLabels(data.nSamples, m, joins, hierarchy.placed);
  let nClusters = 0;
  for (let i = 0; i < m; i++)
    if (hierarchy.placed[i]) nClusters = Math.max(nClusters, labels[i] + 1);
  return labelRemainingRows(data, labels, m, Math.max(nClusters, 1), hierarchy.placed);
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
  if (p === 0) return { values: new Float64Array(0), columns: 0 };
  // X: m×p standardised; G = XᵀX (p×p) = V D² Vᵀ.
  const x = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < p; a++)
      x[i * p + a] = (values[i * d + kept[a]] - mean[kept[a]]) / sd[kept[a]];
  }
  const gram = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += sizes[i] * x[i * p + a] * x[i * p + b];
      gram[a * p + b] = s;
      gram[b * p + a] = s;
    }
  }
  // Ascending eigenvalues; row j of `vectors` the eigenvector of eigenvalues[j].
  const eigenvalues = new Float64Array(p);
  const vectors = new Float64Array(p * p);
  symmetricEigenDecomposition(gram, 0, p, eigenvalues, vectors, eigenScratch(p));
  const largest = Math.max(...eigenvalues, 0);
  const axes = Array.from(eigenvalues, (value, index) => ({ value, index }))
    .filter((e) => e.value > NULL_DIRECTION * largest)
    .sort((e, f) => f.value - e.value || e.index - f.index);
  const columns = axes.length;
  const z = new Float64Array(m * columns);
  axes.forEach(({ value, index }, c) => {
    // D^-½ with D the singular value √value
    const scale = value ** -0.25;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += x[i * p + a] * vectors[index * p + a];
      z[i * columns + c] = s * scale;
    }
  });
  return { values: z, columns };
}

/**
 * mclust's hcvvv (src/mclust.f, mclust 6.0.0), step by step, on m rows (row-major m×d,
 * row i standing for `sizes[i]` identical rows; rows of size 0 take no part). Returns
 * the merges as mclust's `hc` reports them: pairs of cluster labels, a cluster being
 * labelled by its lowest row, the higher label joining the lower.
 *
 * What has to be as mclust does it, because ties and the state of each cluster decide
 * the partitions (faithful: 16 duplicate rows, every pair of them tied at −2 log 2):
 *
 * - Positions. Clusters sit at positions 1..g. After merging positions i < j the new
 *   cluster sits at i and the cluster at position g moves to j (mclust's `wardsw`), g
 *   falls by one.
 * - Pair costs are kept in the packed triangle D, pair (i < j) at (j−1)(j−2)/2 + i,
 *   computed once, when the younger of the two was made; only the new cluster's pairs
 *   are recomputed after a merge, the moved cluster's costs move with it.
 * - The next merge is the minimum of D scanned in that order with `≤`: on ties the
 *   last pair, i.e. the highest j, then the highest i. Here each column j keeps its
 *   best i (ties to the higher i), so a merge costs O(g) column updates, not a scan of
 *   the O(g²) triangle; the pick is the same.
 * - Arithmetic. Each cluster keeps √n × its mean, its scatter's trace, its term
 *   n·log(...) and a triangular factor R of its scatter (RᵀR = W), grown by Givens
 *   rotations (`mclrup`, the reference BLAS `drotg`/`drot`), with mclust's operand
 *   order, so equal inputs give equal costs and near-ties fall the same way.
 * - The stored factor. When mclust stores a new cluster's factor (its rows in the
 *   spare rows of x) it copies the factor's FIRST row into every row
 *   (`dcopy(p, r(1,1), p, x(l,1), n)`), and reads row t back from column t on. So a
 *   cluster's factor is exact only in the step after it is made (its pairs computed
 *   then); afterwards it stands for the k = min(n−1, d) rows (0..0, r₁ₜ..r₁d), t ≤ k,
 *   whose scatter is min(a, b, k)·r₁ₐr₁ᵦ. mclust's partitions are made with that, so
 *   these are too: each cluster keeps just that first row.
 * - The merged cluster's term is the pair's cost plus its parts' terms when the pair
 *   was recomputed at the merge (mclust's `dopt + (termi + termj)`), the cost as
 *   computed otherwise.
 *
 * - Rows of size w ≠ 1 (mclust has no weights): w identical rows, a cluster of trace
 *   0, mean √w·row and term w·log(α/w), joined by hcvvv's formulas for clusters of
 *   any size; with every size 1 the hierarchy is mclust's.
 *
 * Pair cost: with the new cluster's factor, each of the other's k stored rows and
 * then the scaled difference of means are rotated in (O(k·d²)), needed only when the
 * union has more than d rows (up to d rows it is the trace alone). Such a cost is
 * first entered as the cost without the determinant, less a margin (det ≥ 0, so a
 * lower bound), and computed, from the younger cluster's factor kept as it was made,
 * only when that bound is the pick; the pick is then made again. The costs computed
 * are the ones mclust computes, so the merges are the same; most are never needed.
 */
export function modelHierarchy(
  values: Float64Array,
  m: number,
  d: number,
  sizes: Float64Array,
): Hierarchy {
  const rowOf: number[] = [];
  for (let i = 0; i < m; i++) if (sizes[i] > 0) rowOf.push(i);
  const g = rowOf.length;
  const placed = new Uint8Array(m);
  for (const i of rowOf) placed[i] = 1;
  // no columns (constant data): one cluster, every row joining it
  if (d < 1) placed.fill(0);
  if (g < 2 || d < 1)
    return { rows: m, placed, keep: new Int32Array(0), drop: new Int32Array(0), cuts: new Map() };
  const p = d;

  // α: the mean column variance of the rows taking part (mclust: traceW(Z/√(n p)))
  let total = 0;
  for (const i of rowOf) total += sizes[i];
  const mean = new Float64Array(p);
  for (const i of rowOf) for (let j = 0; j < p; j++) mean[j] += sizes[i] * values[i * p + j];
  for (let j = 0; j < p; j++) mean[j] /= total;
  let trace = 0;
  for (const i of rowOf) {
    for (let j = 0; j < p; j++) trace += sizes[i] * (values[i * p + j] - mean[j]) ** 2;
  }
  const ALPHA = Math.max(trace / (total * p), EPSMAX);
  const ABLOG = Math.log(BETA * ALPHA);

  // Per position q = 1..g (index q; 0 unused): √n·mean x (p), size n, rows mem,
  // scatter trace, term, stored factor row w (p).
  const x = new Float64Array((g + 1) * p);
  const w = new Float64Array((g + 1) * p);
  const cnt = new Float64Array(g + 1);
  const mem = new Int32Array(g + 1);
  const trs = new Float64Array(g + 1);
  const tms = new Float64Array(g + 1);
  for (let q = 1; q <= g; q++) {
    const i = rowOf[q - 1];
    const n = sizes[i];
    const root = Math.sqrt(n);
    for (let j = 0; j < p; j++)
      x[q * p + j] = n === 1 ? values[i * p + j] : root * values[i * p + j];
    cnt[q] = n;
    mem[q] = 1;
    // a row of size n: n identical rows, trace 0 (vvvtij with trac = 0)
    tms[q] = n === 1 ? ABLOG : vvvtij(n, p, undefined, 0, 0, ALPHA);
  }
  const unit = (q: number) => mem[q] === 1 && cnt[q] === 1;

  // scratch: v (p), a row (p), factors u, r (p×p row-major, upper triangle)
  const v = new Float64Array(p);
  const row = new Float64Array(p);
  const diag = new Float64Array(p);
  const u = new Float64Array(p * p);
  const r = new Float64Array(p * p);
  const dot = (a: Float64Array): number => {
    let t = 0;
    for (let c = 0; c < p; c++) t += a[c] * a[c];
    return t;
  };
  /** v = a·x[qa] − b·x[qb] (mclust: dcopy, dscal a, daxpy −b) */
  const difference = (a: number, qa: number, b: number, qb: number) => {
    for (let c = 0; c < p; c++) v[c] = a * x[qa * p + c] + -b * x[qb * p + c];
  };
  /** rows 1..k of the factor f from position q's stored row: row t = (0..0, w_t..w_p) */
  const loadStored = (f: Float64Array, q: number, k: number) => {
    for (let t = 0; t < k; t++) for (let c = t; c < p; c++) f[t * p + c] = w[q * p + c];
  };
  /** the upper triangle of rows k..p−1 of f set to 0 */
  const clearFrom = (f: Float64Array, k: number) => {
    for (let t = k; t < p; t++) for (let c = t; c < p; c++) f[t * p + c] = 0;
  };
  const copyRows = (from: Float64Array, to: Float64Array, k: number) => {
    for (let t = 0; t < k; t++) for (let c = t; c < p; c++) to[t * p + c] = from[t * p + c];
  };

  // D: packed pair costs, pair (i < j) at (j−1)(j−2)/2 + i
  const D = new Float64Array((g * (g - 1)) / 2 + 1);
  // Costs that need a determinant are first entered as a lower bound (inexact = 1)
  // and computed only when the bound is the pick (most never are). Computing one then
  // needs the younger cluster's factor as it was made: kept per position (`fresh`,
  // p×p each; `born`: the merge that made it, −1 for a row), up to LAZY_LIMIT numbers.
  const pp = p * p;
  const lazy = (g + 1) * pp <= LAZY_LIMIT;
  const inexact = new Uint8Array(D.length);
  const fresh = new Float64Array(lazy ? (g + 1) * pp : 0);
  const born = new Int32Array(g + 1).fill(-1);
  let lastBound = false;
  const at = (i: number, j: number) => ((j - 1) * (j - 2)) / 2 + i;

  // the pair under consideration (mclust's nij, trcij, trmij, si, sj, sij, termi, termj)
  let nij = 0;
  let memij = 0;
  let trcij = 0;
  let trmij = 0;
  let si = 0;
  let sj = 0;

  // First pass: every pair of single rows.
  for (let j = 2; j <= g; j++) {
    for (let i = 1; i < j; i++) {
      D[at(i, j)] = firstPair(i, j, false);
    }
  }
  /** Pair (i < j) of single rows; with `keep`, its factor (one row, v) in r. */
  function firstPair(i: number, j: number, keep: boolean): number {
    let termi = ABLOG;
    let termj = ABLOG;
    if (unit(i) && unit(j)) {
      for (let c = 0; c < p; c++) v[c] = (x[i * p + c] + -1 * x[j * p + c]) * RTHALF;
      trcij = dot(v);
      nij = 2;
      si = RTHALF;
      sj = RTHALF;
      trmij = 2 * Math.log((BETA * (trcij + ALPHA)) / 2);
    } else {
      termi = tms[i];
      termj = tms[j];
      nij = cnt[i] + cnt[j];
      const qij = 1 / nij;
      si = Math.sqrt(cnt[i] * qij);
      sj = Math.sqrt(cnt[j] * qij);
      difference(sj, i, si, j);
      trcij = dot(v);
      u.fill(0);
      u.set(v);
      trmij = vvvtij(nij, p, u, Math.sqrt(qij), trcij, ALPHA);
    }
    memij = 2;
    if (keep) {
      r.fill(0);
      r.set(v);
    }
    return trmij - (termi + termj);
  }

  /**
   * Pair of the new cluster at `iold` (its exact factor `fac`, rows min(n−1, p)) and
   * the cluster at j (its stored rows), as mclust's update loops compute it. The
   * factor is built when the cost needs it or `keep` asks for it (then left in u).
   * With `bound`, a cost that needs the determinant is not computed: the cost without
   * it (det ≥ 0), less a margin, is returned instead, a lower bound (`lastBound` set).
   */
  function newPair(
    iold: number,
    j: number,
    keep: boolean,
    fac: Float64Array,
    bound: boolean,
  ): number {
    const ni = cnt[iold];
    const memI = mem[iold];
    const nj = cnt[j];
    const memJ = mem[j];
    nij = ni + nj;
    memij = memI + memJ;
    const qij = 1 / nij;
    si = Math.sqrt(ni * qij);
    sj = memJ === 1 && nj === 1 ? Math.sqrt(qij) : Math.sqrt(nj * qij);
    const sij = Math.sqrt(qij);
    difference(si, j, sj, iold);
    trcij = trs[iold] + trs[j] + dot(v);
    const termj = tms[j];
    const needFactor = nij > p && trcij !== 0;
    const kI = Math.min(memI - 1, p);
    const kJ = Math.min(memJ - 1, p);
    lastBound = false;
    if (!needFactor && !keep) {
      trmij = traceTerm(nij, trcij, p);
      return trmij - (tms[iold] + termj);
    }
    if (bound && !keep) {
      lastBound = true;
      const lower = nij * Math.log((BETA * (trcij + ALPHA)) / nij);
      const terms = tms[iold] + termj;
      return lower - terms - BOUND_MARGIN * (Math.abs(lower) + Math.abs(terms) + 1);
    }
    // the new cluster's factor, with j's stored rows rotated in (mclust passes the row
    // count as k = ni + t: mclrup puts each row one further down, into an empty row,
    // which the rotations fill in order)
    let f = fac;
    let rows = kI;
    if (kJ > 0 || keep) {
      copyRows(fac, u, kI);
      clearFrom(u, kI);
      for (let t = 0; t < kJ; t++) {
        const len = p - t;
        for (let c = 0; c < len; c++) row[c] = w[j * p + t + c];
        mclrup(memI + 1 + t, len, row, u, t * p + t, p);
      }
      f = u;
      rows = p;
    }
    if (keep) {
      mclrup(memij, p, v, u, 0, p);
      trmij = needFactor ? vvvtij(nij, p, u, sij, trcij, ALPHA) : traceTerm(nij, trcij, p);
    } else {
      // only the determinant: v rotated through the factor without writing it
      trmij = termOfDet(nij, trcij, rotatedLogDet(f, rows, memij, v, p, sij, diag), ALPHA);
    }
    return trmij - (tms[iold] + termj);
  }
  /** vvvtij for a union whose factor is not needed: up to p rows, or trace 0. */
  function traceTerm(l: number, trac: number, pp: number): number {
    return l <= pp ? l * Math.log((BETA * (trac + ALPHA)) / l) : l * Math.log((ALPHA * BETA) / l);
  }

  /**
   * Pair (i < j), neither the newest cluster, from their stored rows (mclust's
   * recomputation of the chosen pair); its factor in r. Returns mclust's tmop.
   */
  function storedPair(i: number, j: number, dopt: number): number {
    r.fill(0);
    let termi = ABLOG;
    let termj = ABLOG;
    const singleJ = mem[j] === 1;
    const singleI = mem[i] === 1;
    if (singleJ) {
      termj = tms[j];
      if (singleI && unit(i) && unit(j)) {
        for (let c = 0; c < p; c++) v[c] = (x[i * p + c] + -1 * x[j * p + c]) * RTHALF;
        trcij = dot(v);
        r.set(v);
        nij = 2;
        si = RTHALF;
        sj = RTHALF;
      } else {
        const kI = Math.min(mem[i] - 1, p);
        loadStored(r, i, kI);
        termi = tms[i];
        const ni = cnt[i];
        nij = ni + cnt[j];
        const qij = 1 / nij;
        si = Math.sqrt(ni * qij);
        sj = unit(j) ? Math.sqrt(qij) : Math.sqrt(cnt[j] * qij);
        difference(sj, i, si, j);
        trcij = trs[i] + dot(v);
        mclrup(mem[i] + mem[j], p, v, r, 0, p);
      }
    } else {
      const kJ = Math.min(mem[j] - 1, p);
      loadStored(r, j, kJ);
      termj = tms[j];
      const nj = cnt[j];
      if (singleI) {
        termi = tms[i];
        nij = nj + cnt[i];
        const qij = 1 / nij;
        si = unit(i) ? Math.sqrt(qij) : Math.sqrt(cnt[i] * qij);
        sj = Math.sqrt(nj * qij);
        difference(sj, i, si, j);
        trcij = trs[j] + dot(v);
      } else {
        const kI = Math.min(mem[i] - 1, p);
        // i's stored rows; here mclust keeps k = nj + 1, each row lands below j's
        for (let t = 0; t < kI; t++) {
          const len = p - t;
          for (let c = 0; c < len; c++) row[c] = w[i * p + t + c];
          mclrup(mem[j] + 1, len, row, r, t * p + t, p);
        }
        termi = tms[i];
        const ni = cnt[i];
        nij = ni + nj;
        const qij = 1 / nij;
        si = Math.sqrt(ni * qij);
        sj = Math.sqrt(nj * qij);
        difference(sj, i, si, j);
        trcij = trs[i] + trs[j] + dot(v);
      }
      mclrup(mem[i] + mem[j], p, v, r, 0, p);
    }
    memij = mem[i] + mem[j];
    return dopt + (termi + termj);
  }

  // Each column's best row (ties to the higher row), and the pick over columns.
  const bestI = new Int32Array(g + 1);
  const bestV = new Float64Array(g + 1);
  const rescan = (j: number) => {
    let b = 1;
    let value = Infinity;
    const base = ((j - 1) * (j - 2)) / 2;
    for (let i = 1; i < j; i++) {
      if (D[base + i] <= value) {
        value = D[base + i];
        b = i;
      }
    }
    bestI[j] = b;
    bestV[j] = value;
  };
  const offer = (i: number, j: number) => {
    const value = D[at(i, j)];
    if (value < bestV[j] || (value === bestV[j] && i > bestI[j])) {
      bestV[j] = value;
      bestI[j] = i;
    }
  };
  for (let j = 2; j <= g; j++) rescan(j);
  let lg = g;
  const pick = (): [number, number, number] => {
    for (;;) {
      let j = 2;
      for (let c = 3; c <= lg; c++) if (bestV[c] <= bestV[j]) j = c;
      const i = bestI[j];
      const e = at(i, j);
      if (!inexact[e]) return [i, j, bestV[j]];
      // a bound is the least: its cost, as the update that entered it would have had it
      const young = born[i] > born[j] ? i : j;
      const old = young === i ? j : i;
      D[e] = newPair(young, old, false, fresh.subarray(young * pp, young * pp + pp), false);
      inexact[e] = 0;
      rescan(j);
    }
  };

  let [iopt, jopt, dopt] = pick();
  // the chosen pair's state (mclust's trop, tmop, nopt, siop, sjop; its factor in r)
  firstPair(iopt, jopt, true);
  let trop = trcij;
  let tmop = trmij;
  let nopt = nij;
  let memOpt = memij;
  let siop = si;
  let sjop = sj;

  const records = new Int32Array(2 * (g - 1));
  for (let step = 0; step < g - 1; step++) {
    records[2 * step] = iopt;
    records[2 * step + 1] = jopt;
    if (step === g - 2) break;
    // the merged cluster's √n·mean, before position jopt is reused
    for (let c = 0; c < p; c++) v[c] = siop * x[iopt * p + c] + sjop * x[jopt * p + c];
    if (jopt !== lg) {
      wardSwap(jopt, lg, D, inexact);
      if (lazy) fresh.copyWithin(jopt * pp, lg * pp, lg * pp + pp);
      born[jopt] = born[lg];
      x.copyWithin(jopt * p, lg * p, lg * p + p);
      w.copyWithin(jopt * p, lg * p, lg * p + p);
      cnt[jopt] = cnt[lg];
      mem[jopt] = mem[lg];
      trs[jopt] = trs[lg];
      tms[jopt] = tms[lg];
      bestI[jopt] = bestI[lg];
      bestV[jopt] = bestV[lg];
    }
    x.set(v, iopt * p);
    for (let c = 0; c < p; c++) w[iopt * p + c] = r[c];
    cnt[iopt] = nopt;
    mem[iopt] = memOpt;
    trs[iopt] = trop;
    tms[iopt] = tmop;
    born[iopt] = step;
    if (lazy) fresh.set(r, iopt * pp);
    const iold = iopt;
    const jold = jopt;
    lg--;

    for (let j = 1; j <= lg; j++) {
      if (j === iold) continue;
      const e = j < iold ? at(j, iold) : at(iold, j);
      D[e] = newPair(iold, j, false, r, lazy);
      inexact[e] = lastBound ? 1 : 0;
    }
    if (iold >= 2) rescan(iold);
    if (jold <= lg) rescan(jold);
    for (let c = iold + 1; c <= lg; c++) {
      if (c === jold) continue;
      if (bestI[c] === iold || (jold < c && bestI[c] === jold)) rescan(c);
      else {
        offer(iold, c);
        if (jold < c) offer(jold, c);
      }
    }

    [iopt, jopt, dopt] = pick();
    if (iopt === iold || jopt === iold) {
      // the pair as the update computed it, with its factor
      const other = iopt === iold ? jopt : iopt;
      newPair(iold, other, true, r, false);
      const k = Math.min(memij - 1, p);
      r.fill(0);
      copyRows(u, r, k);
      trop = trcij;
      tmop = trmij;
      nopt = cnt[iopt] + cnt[jopt];
      memOpt = memij;
      // v = siop·x[iopt] + sjop·x[jopt]: si scales the new cluster's mean
      siop = iopt === iold ? si : sj;
      sjop = iopt === iold ? sj : si;
    } else {
      tmop = storedPair(iopt, jopt, dopt);
      trop = trcij;
      nopt = nij;
      memOpt = memij;
      siop = si;
      sjop = sj;
    }
  }

  // Positions to labels (mclust's hcvvv after label 900): a cluster is labelled by
  // its lowest row; the cluster moving into position j takes its label along.
  const label = Int32Array.from({ length: g + 1 }, (_, q) => q);
  const keep = new Int32Array(g - 1);
  const drop = new Int32Array(g - 1);
  for (let step = 0; step < g - 1; step++) {
    const i = records[2 * step];
    const j = records[2 * step + 1];
    const a = label[i];
    const b = label[j];
    if (a > b) label[i] = b;
    label[j] = label[g - step];
    keep[step] = rowOf[Math.min(a, b) - 1];
    drop[step] = rowOf[Math.max(a, b) - 1];
  }
  return { rows: m, placed, keep, drop, cuts: new Map() };
}

/** β of the criterion (mclust's default). */
const BETA = 1;
/** mclust's floor of α (EPSMAX) and its √½ (rthalf). */
const EPSMAX = 2.2204460492503131e-16;
const RTHALF = 0.7071067811865476;
/**
 * The lower bound of a cost that needs a determinant is the cost without it, less
 * this share of its terms' size (so that rounding cannot lift it above the cost).
 */
const BOUND_MARGIN = 1e-9;
/** The most numbers kept for the factors the bounds may need (8 bytes each). */
const LAZY_LIMIT = 1 << 23;
/** mclust's FLMAX: det2mc's answer for a zero diagonal. */
const FLMAX = 1.7976931348623157e308;

/**
 * mclust's vvvtij: the term l·log(...) of a cluster of l rows with scatter trace
 * `trac` and scatter factor u (p×p row-major upper triangle, scaled by s = 1/√l in
 * the determinant; read only when l > p and trac ≠ 0).
 */
function vvvtij(
  l: number,
  p: number,
  u: Float64Array | undefined,
  s: number,
  trac: number,
  alpha: number,
): number {
  if (l <= p) return l * Math.log((BETA * (trac + alpha)) / l);
  if (trac === 0 || u === undefined) return l * Math.log((alpha * BETA) / l);
  // det2mc: log det(W/l) from the factor's diagonal
  let detlog = 0;
  for (let k = 0; k < p; k++) {
    const q = u[k * p + k] * s;
    if (Math.abs(q) <= 0) return termOfDet(l, trac, -FLMAX, alpha);
    detlog += Math.log(Math.abs(q));
  }
  return termOfDet(l, trac, 2 * detlog, alpha);
}

/** vvvtij's l > p, trac ≠ 0 branch from det2mc's value (−FLMAX: a zero diagonal). */
function termOfDet(l: number, trac: number, detlog: number, alpha: number): number {
  let t: number;
  if (detlog === -FLMAX) t = Math.log((BETA * (trac + alpha)) / l);
  else if (detlog <= 0) t = Math.log(Math.exp(detlog) + (BETA * (trac + alpha)) / l);
  else t = Math.log(1 + Math.exp(-detlog) * ((BETA * (trac + alpha)) / l)) + detlog;
  return l * t;
}

/**
 * det2mc of the factor mclrup(l, p, v, f) would leave, where f's first `rows` rows
 * are a factor (the rest zero): the same rotations, but only v and the diagonal
 * are kept (a factor row, once rotated, is not read again), so f is not written.
 * v is overwritten; `diag` (p) is scratch; s scales the diagonal (1/√n).
 */
function rotatedLogDet(
  f: Float64Array,
  rows: number,
  l: number,
  v: Float64Array,
  p: number,
  s: number,
  diag: Float64Array,
): number {
  const k = l - 1;
  const last = k <= p ? k - 1 : p;
  for (let i = 0; i < last; i++) {
    const base = i * p;
    if (i < rows) {
      diag[i] = givens(f[base + i], v[i]);
      const c = rotationC;
      const sn = rotationS;
      for (let j = i + 1; j < p; j++) v[j] = c * v[j] - sn * f[base + j];
    } else {
      // a zero row: c·v − s·0 is c·v
      diag[i] = givens(0, v[i]);
      const c = rotationC;
      for (let j = i + 1; j < p; j++) v[j] = c * v[j];
    }
  }
  if (k <= p) {
    diag[k - 1] = v[k - 1];
    for (let i = k; i < p; i++) diag[i] = i < rows ? f[i * p + i] : 0;
  } else {
    diag[p - 1] = givens(p - 1 < rows ? f[(p - 1) * p + p - 1] : 0, v[p - 1]);
  }
  let detlog = 0;
  for (let i = 0; i < p; i++) {
    const q = diag[i] * s;
    if (Math.abs(q) <= 0) return -FLMAX;
    detlog += Math.log(Math.abs(q));
  }
  return 2 * detlog;
}

/** The rotation of the last `givens` call (the reference BLAS drotg's c and s). */
let rotationC = 1;
let rotationS = 0;

/**
 * The reference BLAS drotg on (a, b): the plane rotation (c, s) zeroing b against a,
 * left in rotationC, rotationS; returns r. (drotg also overwrites b with its z, which
 * is never read again here.)
 */
function givens(da: number, db: number): number {
  const ada = Math.abs(da);
  const adb = Math.abs(db);
  const roe = ada > adb ? da : db;
  const scale = ada + adb;
  if (scale === 0) {
    rotationC = 1;
    rotationS = 0;
    return 0;
  }
  const sa = da / scale;
  const sb = db / scale;
  let r = scale * Math.sqrt(sa * sa + sb * sb);
  if (roe < 0) r = -r;
  rotationC = da / r;
  rotationS = db / r;
  return r;
}

/** drot: the last rotation applied to n entries of a (from ai) and b (from bi), both contiguous. */
function rotate(n: number, a: Float64Array, ai: number, b: Float64Array, bi: number): void {
  const c = rotationC;
  const s = rotationS;
  for (let k = 0; k < n; k++) {
    const x = a[ai + k];
    const y = b[bi + k];
    a[ai + k] = c * x + s * y;
    b[bi + k] = c * y - s * x;
  }
}

/**
 * mclust's mclrup: row v (n entries) joins the triangular factor whose (1,1) entry
 * is f[base] (rows p apart), which then stands for l rows: while l − 1 ≤ n, v becomes
 * row l − 1 and is rotated against the rows above it; beyond, it is rotated through
 * all n rows and dropped.
 */
function mclrup(
  l: number,
  n: number,
  v: Float64Array,
  f: Float64Array,
  base: number,
  p: number,
): void {
  if (l === 1) return;
  const k = l - 1;
  if (k <= n) {
    const rowK = base + (k - 1) * p;
    for (let c = 0; c < n; c++) f[rowK + c] = v[c];
    if (k === 1) return;
    if (n > 1) {
      for (let i = 1; i < k; i++) {
        const rowI = base + (i - 1) * p;
        f[rowI + i - 1] = givens(f[rowI + i - 1], f[rowK + i - 1]);
        rotate(n - i, f, rowI + i, f, rowK + i);
      }
    } else f[base] = givens(f[base], f[rowK]);
  } else {
    for (let i = 1; i < n; i++) {
      const rowI = base + (i - 1) * p;
      f[rowI + i - 1] = givens(f[rowI + i - 1], v[i - 1]);
      rotate(n - i, f, rowI + i, v, i);
    }
    f[base + (n - 1) * p + n - 1] = givens(f[base + (n - 1) * p + n - 1], v[n - 1]);
  }
}

/**
 * mclust's wardsw: the cluster at position n moves to position i < n in the packed
 * triangle D (pair (a < b) at (b−1)(b−2)/2 + a): pairs (k, i) take (k, n) for k < i,
 * pairs (i, j) take (j, n) for i < j < n.
 */
function wardSwap(i: number, n: number, D: Float64Array, flags: Uint8Array): void {
  const baseI = ((i - 1) * (i - 2)) / 2;
  const baseN = ((n - 1) * (n - 2)) / 2;
  const swap = (a: number, b: number) => {
    const t = D[a];
    D[a] = D[b];
    D[b] = t;
    const f = flags[a];
    flags[a] = flags[b];
    flags[b] = f;
  };
  for (let k = 1; k < i; k++) swap(baseI + k, baseN + k);
  for (let j = i + 1; j < n; j++) swap(((j - 1) * (j - 2)) / 2 + i, baseN + j);
}
