import type { DataMatrix } from './types.js';

/**
 * A deterministic start: Ward's agglomerative clustering cut at K clusters, in the
 * spirit of mclust's default initialisation (model-based hierarchical clustering,
 * `hc`). Random starts find compact optima by luck; a hierarchy builds clusters from
 * the data's own neighbourhoods, and at high d (30 columns, a few hundred rows) it
 * reaches optima that hundreds of random starts miss.
 *
 * Ward's merge cost of clusters A and B is |A||B|/(|A|+|B|) ‖c_A − c_B‖² (the rise in
 * within-cluster sum of squares). It is reducible, so the nearest-neighbour chain
 * algorithm finds the same hierarchy with centroids alone: O(m²·d) time, O(m·d)
 * memory for m rows. The hierarchy is built on the first `maxRows` rows (the search
 * data are already a random subsample when large); the other rows join the nearest
 * cluster centre. Ties go to the lower index, so the result is a function of the data.
 *
 * Returns n labels in 0..K−1.
 */
export function wardLabels(data: DataMatrix, nComponents: number, maxRows = 2000): Int32Array {
  const { values, nSamples: n, nFeatures: d, rowWeights } = data;
  const m = Math.min(n, maxRows);
  // A row of weight w is w identical rows, which Ward merges first at no cost: it
  // enters as a cluster of size w (weight 0: a cluster of no rows, merged for free).
  const size =
    rowWeights === undefined
      ? new Float64Array(m).fill(1)
      : Float64Array.from(rowWeights.subarray(0, m));
  const centroid = Float64Array.from(values.subarray(0, m * d));
  const active = new Uint8Array(m).fill(1);
  const merges: { a: number; b: number; cost: number }[] = [];

  const cost = (a: number, b: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = centroid[a * d + j] - centroid[b * d + j];
      s += t * t;
    }
    const total = size[a] + size[b];
    return total > 0 ? ((size[a] * size[b]) / total) * s : 0;
  };
  const chain: number[] = [];
  let remaining = m;
  let lowestActive = 0;
  while (remaining > 1) {
    if (chain.length === 0) {
      while (!active[lowestActive]) lowestActive++;
      chain.push(lowestActive);
    }
    const a = chain[chain.length - 1];
    const previous = chain.length >= 2 ? chain[chain.length - 2] : -1;
    // nearest active cluster to a; the previous chain element wins ties (so the chain stops)
    let best = previous;
    let bestCost = previous >= 0 ? cost(a, previous) : Infinity;
    for (let b = 0; b < m; b++) {
      if (!active[b] || b === a || b === previous) continue;
      const c = cost(a, b);
      if (c < bestCost) {
        bestCost = c;
        best = b;
      }
    }
    if (best === previous) {
      chain.length -= 2;
      // merge `previous` into the lower index of the two, which stays
      const keep = Math.min(a, previous);
      const drop = Math.max(a, previous);
      const total = size[keep] + size[drop];
      for (let j = 0; j < d && total > 0; j++) {
        centroid[keep * d + j] =
          (size[keep] * centroid[keep * d + j] + size[drop] * centroid[drop * d + j]) / total;
      }
      size[keep] = total;
      active[drop] = 0;
      merges.push({ a: keep, b: drop, cost: bestCost });
      remaining--;
    } else {
      chain.push(best);
    }
  }

  // Cut: the m − K cheapest merges (in cost order, the hierarchy's order for Ward).
  merges.sort((x, y) => x.cost - y.cost || x.a - y.a || x.b - y.b);
  const K = Math.min(nComponents, m);
  const labels = joinedLabels(
    n,
    m,
    merges.slice(0, m - K).map((merge) => [merge.a, merge.b]),
  );
  return labelRemainingRows(data, labels, m, K);
}

/**
 * n labels whose first m (clusters numbered 0.. by their first row) are the clusters
 * the pairs `joins` link rows 0..m−1 into (union-find); the rest, and rows of the
 * first m that `placed` leaves out, are left 0, for labelRemainingRows.
 */
export function joinedLabels(
  n: number,
  m: number,
  joins: readonly (readonly [number, number])[],
  placed?: Uint8Array,
): Int32Array {
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (const [a, b] of joins) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const labels = new Int32Array(n);
  const labelOfRoot = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    if (placed !== undefined && !placed[i]) continue;
    const root = find(i);
    if (!labelOfRoot.has(root)) labelOfRoot.set(root, labelOfRoot.size);
    labels[i] = labelOfRoot.get(root)!;
  }
  return labels;
}

/**
 * Rows m..n−1 of `labels` (n; the first m hold clusters 0..K−1), and those of the
 * first m that `placed` leaves out, join the nearest cluster centre, the (weighted)
 * mean of each cluster's placed first-m rows. Returns `labels`.
 */
export function labelRemainingRows(
  data: DataMatrix,
  labels: Int32Array,
  m: number,
  K: number,
  placed?: Uint8Array,
): Int32Array {
  const { values, nSamples: n, nFeatures: d, rowWeights } = data;
  const isPlaced = (i: number) => i < m && (placed === undefined || placed[i] === 1);
  let allPlaced = m === n;
  for (let i = 0; i < m && allPlaced && placed !== undefined; i++) allPlaced = placed[i] === 1;
  if (allPlaced) return labels;

  const centres = new Float64Array(K * d);
  const counts = new Float64Array(K);
  for (let i = 0; i < m; i++) {
    if (!isPlaced(i)) continue;
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    counts[labels[i]] += w;
    for (let j = 0; j < d; j++) centres[labels[i] * d + j] += w * values[i * d + j];
  }
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) centres[k * d + j] /= counts[k] > 0 ? counts[k] : 1;
  }
  for (let i = 0; i < n; i++) {
    if (isPlaced(i)) continue;
    let best = 0;
    let bestDistance = Infinity;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = values[i * d + j] - centres[k * d + j];
        s += t * t;
      }
      if (s < bestDistance) {
        bestDistance = s;
        best = k;
      }
    }
    labels[i] = best;
  }
  return labels;
}
