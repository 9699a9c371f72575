import { predictMemberships } from './predict.js';
import { eigenScratch, symmetricEigenDecomposition } from './symmetric-eigen.js';
import type { DataMatrix, MixtureParameters } from './types.js';

/**
 * Split-and-merge moves (SMEM; Ueda, Nakano, Ghahramani & Hinton 2000). EM from one
 * solution cannot move a component across the data: when two components share one
 * cluster while another component covers two, no EM step fixes it. A move merges two
 * components (i, j) and splits a third (k) in two, and EM runs from there; the caller
 * keeps the result only if its ℓ is higher.
 *
 * Candidates are ranked as Ueda et al. rank them:
 *   merge(i, j) = Σₙ rₙᵢ rₙⱼ / (‖r·ᵢ‖ ‖r·ⱼ‖): components claiming the same rows;
 *   split(k)    = Σₙ fₙₖ (log fₙₖ − log N(xₙ | θₖ)), fₙₖ = rₙₖ / Nₖ: the KL divergence
 *                 of the component's rows from its Gaussian. With log N(xₙ | θₖ) =
 *                 log rₙₖ − log πₖ + log p(xₙ) this is −log n − Σₙ fₙₖ log p(xₙ): the
 *                 component whose rows the mixture explains worst.
 * and triples are tried in order of the sum of their two ranks.
 *
 * A move is made on the responsibilities, not the parameters, so the structure's own
 * M-step turns it into a valid start for every covariance structure: column i gets
 * rᵢ + rⱼ, and component k's rows are shared between columns j and k by the side of
 * its principal axis they fall on.
 *
 * Reseed moves (reseedStarts) merge two components and start the freed one on a
 * single badly explained row, for the structures where a component of a few rows is
 * a legitimate optimum. Regrow moves (regrowStarts) merge two components, let the
 * K − 1 left converge, and split one of those (grownStarts).
 */

/** Responsibilities (n×K each) of up to `limit` moves from `parameters`, best-ranked first. */
export function splitMergeStarts(
  data: DataMatrix,
  parameters: MixtureParameters,
  limit: number,
): Float64Array[] {
  const from = movesFrom(data, parameters, limit);
  if (from === undefined) return [];
  const { resp, logDensity, n, K } = from;
  const moves = rankMoves(resp, logDensity, n, K, data.rowWeights).slice(0, limit);
  return moves.map(([i, j, k]) => {
    // Merge j into i (for K = 2, i = k: the merged whole is then split again).
    const moved = mergedInto(resp, n, K, i, j);
    splitAlongPrincipalAxis(data, moved, K, k, j);
    return moved;
  });
}

/** The rows a reseed move may put alone in a component: the worst explained. */
export const RESEED_ROWS = 4;

/**
 * Responsibilities (n×K each) of up to `limit` reseed moves from `parameters`: merge
 * two components (i, j) and give column j to one row alone, among the RESEED_ROWS
 * rows of lowest mixture density p(x). Meant for the structures with no minimum of
 * rows per component (tied, EII, EEI, EEV: a shared volume and shape keep a one-row
 * component bounded), whose optima may spend a component on a few outliers; a split
 * along a principal axis never makes such a component (breast cancer, tied K = 2..4:
 * optima 92 to 472 nats higher than any split-and-merge path reached, with 1- and
 * 2-row components). Moves are ranked by the sum
 * of the pair's merge rank and the row's rank.
 */
export function reseedStarts(
  data: DataMatrix,
  parameters: MixtureParameters,
  limit: number,
): Float64Array[] {
  const from = movesFrom(data, parameters, limit);
  if (from === undefined) return [];
  const { resp, logDensity, n, K } = from;
  const { rowWeights } = data;
  const worstRows = Array.from({ length: n }, (_, row) => row)
    .filter((row) => rowWeights === undefined || rowWeights[row] > 0)
    .sort((a, b) => logDensity[a] - logDensity[b] || a - b)
    .slice(0, RESEED_ROWS);
  const moves: { i: number; j: number; row: number; rank: number }[] = [];
  rankPairs(resp, n, K, rowWeights).forEach(({ i, j }, pairRank) =>
    worstRows.forEach((row, rowRank) => moves.push({ i, j, row, rank: pairRank + rowRank })),
  );
  // Array sort is stable: equal ranks keep pair order, then row order.
  moves.sort((a, b) => a.rank - b.rank);
  return moves.slice(0, limit).map(({ i, j, row }) => {
    const moved = mergedInto(resp, n, K, i, j);
    for (let k = 0; k < K; k++) moved[row * K + k] = k === j ? 1 : 0;
    return moved;
  });
}

/**
 * Responsibilities (n×K each) of regrow moves from `parameters`: for each of the first
 * `pairLimit` pairs (i, j) by merge score, merge j into i, let EM rearrange the K − 1
 * components (`converge`: EM to convergence from those responsibilities, n×(K−1), or
 * undefined when it fails), then split each of the K − 1 in turn along its principal
 * axis. A split-and-merge move keeps the other K − 3 components where they are; here
 * they move first, so a component two clusters share can leave and the configuration
 * that K − 1 components prefer gets its extra component where it fits worst. Wine,
 * standardised, full K = 5..8: the search without them ended 34 to 76 nats below the
 * optima it reaches with them.
 */
export function regrowStarts(
  data: DataMatrix,
  parameters: MixtureParameters,
  pairLimit: number,
  converge: (merged: Float64Array) => MixtureParameters | undefined,
): Float64Array[] {
  const from = movesFrom(data, parameters, pairLimit);
  if (from === undefined) return [];
  const { resp, n, K } = from;
  const starts: Float64Array[] = [];
  for (const { i, j } of rankPairs(resp, n, K, data.rowWeights).slice(0, pairLimit)) {
    const merged = mergedAway(resp, n, K, i, j);
    const fewer = converge(merged);
    if (fewer !== undefined) starts.push(...grownStarts(data, fewer));
  }
  return starts;
}

/**
 * Responsibilities (n×(K+1) each) of K + 1 components grown from the K of `fewer`: each
 * of them in turn split in two along its principal axis, the others kept. Regrow moves
 * grow the K − 1 components a merge left; a sweep grows each model from the best
 * solution of the one with a component fewer (search.ts, fromNeighbours).
 */
export function grownStarts(data: DataMatrix, fewer: MixtureParameters): Float64Array[] {
  const n = data.nSamples;
  const K = fewer.nComponents + 1;
  const { resp: fewerResp } = predictMemberships(data, fewer);
  const starts: Float64Array[] = [];
  for (let k = 0; k < K - 1; k++) {
    const grown = new Float64Array(n * K);
    for (let row = 0; row < n; row++) {
      for (let c = 0; c < K - 1; c++) grown[row * K + c] = fewerResp[row * (K - 1) + c];
    }
    splitAlongPrincipalAxis(data, grown, K, k, K - 1);
    starts.push(grown);
  }
  return starts;
}

/**
 * Responsibilities (n×(K−1) each) of K − 1 components shrunk from the K of `larger`:
 * every pair merged in turn, j into i, by merge score (rankPairs), the best first. A
 * sweep shrinks each model from the best solution of the one with a component more
 * (search.ts, fromNeighbours).
 */
export function shrunkStarts(data: DataMatrix, larger: MixtureParameters): Float64Array[] {
  const from = movesFrom(data, larger, 1);
  if (from === undefined) return [];
  const { resp, n, K } = from;
  return rankPairs(resp, n, K, data.rowWeights).map(({ i, j }) => mergedAway(resp, n, K, i, j));
}

/** `resp` (n×K) with column j added into column i and left out: n×(K−1), in one pass. */
function mergedAway(resp: Float64Array, n: number, K: number, i: number, j: number): Float64Array {
  const out = new Float64Array(n * (K - 1));
  for (let row = 0; row < n; row++) {
    let c = 0;
    for (let k = 0; k < K; k++) {
      if (k === j) continue;
      out[row * (K - 1) + c++] = resp[row * K + k] + (k === i ? resp[row * K + j] : 0);
    }
  }
  return out;
}

/**
 * The memberships (n×K) and log densities (n) moves from `parameters` start from, or
 * undefined when there is no move to make (one component, or no moves asked for).
 */
function movesFrom(
  data: DataMatrix,
  parameters: MixtureParameters,
  limit: number,
): { resp: Float64Array; logDensity: Float64Array; n: number; K: number } | undefined {
  const K = parameters.nComponents;
  if (K < 2 || limit <= 0) return undefined;
  return { ...predictMemberships(data, parameters), n: data.nSamples, K };
}

/** A copy of `resp` (n×K) with column j added into column i and set to zero. */
function mergedInto(resp: Float64Array, n: number, K: number, i: number, j: number): Float64Array {
  const merged = resp.slice();
  for (let row = 0; row < n; row++) {
    merged[row * K + i] = resp[row * K + i] + resp[row * K + j];
    merged[row * K + j] = 0;
  }
  return merged;
}

/** Triples (i, j, k): merge i and j, split k; for K = 2 the one move (0, 1, 0). */
function rankMoves(
  resp: Float64Array,
  logDensity: Float64Array,
  n: number,
  K: number,
  rowWeights: Float64Array | undefined,
): [number, number, number][] {
  if (K === 2) return [[0, 1, 0]];
  const meanLogDensity = new Float64Array(K);
  const nk = new Float64Array(K);
  for (let row = 0; row < n; row++) {
    // a row of weight w counts as w rows in every sum
    const w = rowWeights === undefined ? 1 : rowWeights[row];
    for (let a = 0; a < K; a++) {
      const ra = resp[row * K + a];
      if (ra === 0 || w === 0) continue;
      nk[a] += w * ra;
      meanLogDensity[a] += w * ra * logDensity[row];
    }
  }
  const pairs = rankPairs(resp, n, K, rowWeights);
  // Higher split score: rows the mixture explains worst (lowest mean log density).
  const splits = Array.from({ length: K }, (_, k) => k).sort(
    (a, b) => splitScore(b) - splitScore(a) || a - b,
  );
  function splitScore(k: number): number {
    return nk[k] > 0 ? -meanLogDensity[k] / nk[k] : -Infinity;
  }
  const triples: { move: [number, number, number]; rank: number; pairRank: number }[] = [];
  pairs.forEach((pair, pairRank) => {
    let splitRank = 0;
    for (const k of splits) {
      if (k === pair.i || k === pair.j) continue;
      triples.push({ move: [pair.i, pair.j, k], rank: pairRank + splitRank, pairRank });
      splitRank++;
    }
  });
  triples.sort((a, b) => a.rank - b.rank || a.pairRank - b.pairRank);
  return triples.map((t) => t.move);
}

/**
 * Pairs (i < j) by merge score Σₙ rₙᵢ rₙⱼ / (‖r·ᵢ‖ ‖r·ⱼ‖), highest first: the
 * components claiming the same rows.
 */
function rankPairs(
  resp: Float64Array,
  n: number,
  K: number,
  rowWeights: Float64Array | undefined,
): { i: number; j: number; score: number }[] {
  const norms = new Float64Array(K);
  const overlap = new Float64Array(K * K);
  for (let row = 0; row < n; row++) {
    const w = rowWeights === undefined ? 1 : rowWeights[row];
    for (let a = 0; a < K; a++) {
      const ra = resp[row * K + a];
      if (ra === 0 || w === 0) continue;
      norms[a] += w * ra * ra;
      for (let b = a + 1; b < K; b++) overlap[a * K + b] += w * ra * resp[row * K + b];
    }
  }
  const pairs: { i: number; j: number; score: number }[] = [];
  for (let a = 0; a < K; a++) {
    for (let b = a + 1; b < K; b++) {
      const denominator = Math.sqrt(norms[a]) * Math.sqrt(norms[b]);
      pairs.push({ i: a, j: b, score: denominator > 0 ? overlap[a * K + b] / denominator : 0 });
    }
  }
  return pairs.sort((p, q) => q.score - p.score || p.i - q.i || p.j - q.j);
}

/**
 * Shares column `k` of `resp` (n×K) between columns k and `free` (which is zero): rows
 * on the positive side of the principal axis of component k's weighted scatter go to
 * `free`. The axis is found from the full scatter whatever the structure, since the
 * direction to split along is a property of the rows.
 */
function splitAlongPrincipalAxis(
  data: DataMatrix,
  resp: Float64Array,
  K: number,
  k: number,
  free: number,
): void {
  const { values, nSamples: n, nFeatures: d, rowWeights } = data;
  const mean = new Float64Array(d);
  let total = 0;
  for (let row = 0; row < n; row++) {
    const r = resp[row * K + k] * (rowWeights === undefined ? 1 : rowWeights[row]);
    total += r;
    for (let a = 0; a < d; a++) mean[a] += r * values[row * d + a];
  }
  if (!(total > 0)) return;
  for (let a = 0; a < d; a++) mean[a] /= total;
  const scatter = new Float64Array(d * d);
  for (let row = 0; row < n; row++) {
    const r = resp[row * K + k] * (rowWeights === undefined ? 1 : rowWeights[row]);
    if (r === 0) continue;
    for (let a = 0; a < d; a++) {
      const da = values[row * d + a] - mean[a];
      for (let b = 0; b <= a; b++) {
        scatter[a * d + b] += r * da * (values[row * d + b] - mean[b]);
      }
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) scatter[b * d + a] = scatter[a * d + b];
  const eigenvalues = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  symmetricEigenDecomposition(scatter, 0, d, eigenvalues, vectors, eigenScratch(d));
  let largest = 0;
  for (let a = 1; a < d; a++) if (eigenvalues[a] > eigenvalues[largest]) largest = a;
  // row `largest` of vectors: the principal axis
  const axis = vectors.subarray(largest * d, largest * d + d);
  for (let row = 0; row < n; row++) {
    let projection = 0;
    for (let a = 0; a < d; a++) projection += (values[row * d + a] - mean[a]) * axis[a];
    if (projection > 0) {
      resp[row * K + free] = resp[row * K + k];
      resp[row * K + k] = 0;
    }
  }
}
