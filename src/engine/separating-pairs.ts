/**
 * Which pairs of modelled columns a scatter matrix shows: every pair of up to
 * ALL_PAIRS_UP_TO columns, else the pairs along which the components stand apart most.
 * Pure; works on the fitted (scaled) parameters, since the score is unit-free.
 */

/** Up to this many columns a scatter matrix shows every pair (6 columns: 15 panels). */
export const ALL_PAIRS_UP_TO = 6;
/** Beyond that, this many pairs: the most separating ones. */
export const MOST_SEPARATING_PAIRS = 6;

/**
 * How far apart the components lie in the plane of columns a and b: trace(W⁻¹B), with
 * W = Σₖ πₖ Σₖ and B = Σₖ πₖ (μₖ − μ̄)(μₖ − μ̄)ᵀ restricted to (a, b) and μ̄ = Σₖ πₖ μₖ
 * (Fisher's criterion of discriminant analysis, two columns at a time). It does not
 * change when a column is rescaled, so scaled and original units rank pairs alike.
 * means: K×d row-major, covariances: K×d×d row-major, weights: K.
 */
export function pairSeparation(
  means: Float64Array,
  covariances: Float64Array,
  weights: Float64Array,
  d: number,
  a: number,
  b: number,
): number {
  const K = weights.length;
  let centerA = 0;
  let centerB = 0;
  for (let k = 0; k < K; k++) {
    centerA += weights[k] * means[k * d + a];
    centerB += weights[k] * means[k * d + b];
  }
  // W and B as [aa, ab, bb] (both symmetric).
  let wAA = 0;
  let wAB = 0;
  let wBB = 0;
  let bAA = 0;
  let bAB = 0;
  let bBB = 0;
  for (let k = 0; k < K; k++) {
    const cov = k * d * d;
    wAA += weights[k] * covariances[cov + a * d + a];
    wAB += weights[k] * covariances[cov + a * d + b];
    wBB += weights[k] * covariances[cov + b * d + b];
    const da = means[k * d + a] - centerA;
    const db = means[k * d + b] - centerB;
    bAA += weights[k] * da * da;
    bAB += weights[k] * da * db;
    bBB += weights[k] * db * db;
  }
  const det = wAA * wBB - wAB * wAB;
  if (!(det > 0)) return 0;
  // trace(W⁻¹B) with W⁻¹ = [wBB, −wAB; −wAB, wAA] / det.
  return (wBB * bAA - 2 * wAB * bAB + wAA * bBB) / det;
}

/**
 * The pairs [a, b] (a < b, 0-based columns) a scatter matrix shows: all of them in
 * column order for d ≤ ALL_PAIRS_UP_TO, else the MOST_SEPARATING_PAIRS of highest
 * pairSeparation, highest first (ties by column order).
 */
export function scatterPairs(
  means: Float64Array,
  covariances: Float64Array,
  weights: Float64Array,
  d: number,
): [number, number][] {
  const pairs: { pair: [number, number]; score: number }[] = [];
  for (let a = 0; a < d; a++) {
    for (let b = a + 1; b < d; b++) {
      const score = d <= ALL_PAIRS_UP_TO ? 0 : pairSeparation(means, covariances, weights, d, a, b);
      pairs.push({ pair: [a, b], score });
    }
  }
  if (d <= ALL_PAIRS_UP_TO) return pairs.map((p) => p.pair);
  // A stable sort keeps column order among equal scores.
  return pairs
    .sort((x, y) => y.score - x.score)
    .slice(0, MOST_SEPARATING_PAIRS)
    .map((p) => p.pair);
}
