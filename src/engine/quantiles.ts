/** Quantile of ascending values with linear interpolation between order statistics (numpy's default). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** Quantiles of unsorted values (copied first; see quantilesInPlace). */
export function quantiles(values: Float64Array, qs: readonly number[]): number[] {
  return quantilesInPlace(values.slice(), qs);
}

/**
 * quantileOfSorted for unsorted values, reordering them (no copy: 10M rows are 80 MB)
 * and sorting nothing whole: the order statistics needed are selected by partitioning
 * around them (a multi-quickselect, O(n log m) for m quantiles), giving exactly the
 * values a full sort would. No NaN.
 */
export function quantilesInPlace(values: Float64Array, qs: readonly number[]): number[] {
  const n = values.length;
  const wanted = new Set<number>();
  for (const q of qs) {
    const lower = Math.floor(q * (n - 1));
    wanted.add(lower);
    wanted.add(Math.min(lower + 1, n - 1));
  }
  const positions = [...wanted].sort((a, b) => a - b);
  selectPositions(values, positions, 0, n - 1, 0, positions.length - 1, 2 * Math.log2(n + 1));
  // Every wanted position now holds the value a sort would put there.
  return qs.map((q) => quantileOfSorted(values, q));
}

/**
 * Reorders values[lo..hi] so that each of positions[pLo..pHi] (ascending, within
 * lo..hi) holds its order statistic. Three-way partitions around a median of three;
 * past `depth` levels (adversarial input) the range is simply sorted.
 */
function selectPositions(
  values: Float64Array,
  positions: readonly number[],
  lo: number,
  hi: number,
  pLo: number,
  pHi: number,
  depth: number,
): void {
  while (pLo <= pHi && hi > lo) {
    if (hi - lo < 32 || depth-- <= 0) {
      values.subarray(lo, hi + 1).sort();
      return;
    }
    const pivot = medianOfThree(values[lo], values[(lo + hi) >>> 1], values[hi]);
    // [lo, lt) < pivot, [lt, i) = pivot, (gt, hi] > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = values[i];
      if (v < pivot) {
        values[i++] = values[lt];
        values[lt++] = v;
      } else if (v > pivot) {
        values[i] = values[gt];
        values[gt--] = v;
      } else i++;
    }
    // Positions in [lt, gt] hold the pivot: done. Split the rest between the sides.
    let left = pLo;
    while (left <= pHi && positions[left] < lt) left++;
    let right = left;
    while (right <= pHi && positions[right] <= gt) right++;
    if (left > pLo) selectPositions(values, positions, lo, lt - 1, pLo, left - 1, depth);
    lo = gt + 1;
    pLo = right;
  }
}

function medianOfThree(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}

/**
 * The tail probabilities at which fit stores the training log-density quantiles,
 * dense where anomaly rates are chosen (0.01% … 50%).
 */
export const DENSITY_QUANTILE_LEVELS: readonly number[] = [
  0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06,
  0.07, 0.08, 0.09, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
];

/**
 * The value below which a fraction `rate` of a distribution lies, interpolated
 * linearly in the stored quantile table (levels ascending).
 */
export function interpolateQuantile(
  levels: readonly number[],
  values: readonly number[],
  rate: number,
): number {
  if (rate <= levels[0]) return values[0];
  for (let i = 1; i < levels.length; i++) {
    if (rate <= levels[i]) {
      const t = (rate - levels[i - 1]) / (levels[i] - levels[i - 1]);
      return values[i - 1] + t * (values[i] - values[i - 1]);
    }
  }
  return values[values.length - 1];
}

/**
 * `quantiles` of values that stand for wᵢ rows each (frequency weights): the value at
 * rank r (0-based) of the rows repeated is the one whose cumulative weight first exceeds
 * r, and ranks q·(W − 1), W = Σ w, are interpolated as quantileOfSorted does — so whole
 * weights give exactly the quantiles of the repeated rows. Rows of weight 0 are never
 * chosen. Sorts an index (n log n): only weighted fits pay for it.
 */
export function weightedQuantiles(
  values: Float64Array,
  weights: Float64Array,
  qs: readonly number[],
): number[] {
  const order = Int32Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => values[a] - values[b] || a - b,
  );
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  // The value at rank r: walk the cumulative weight (ranks asked for in increasing order).
  const atRank = (rank: number, from: { index: number; below: number }): number => {
    while (from.index < order.length - 1 && from.below + weights[order[from.index]] <= rank) {
      from.below += weights[order[from.index]];
      from.index++;
    }
    return values[order[from.index]];
  };
  return qs.map((q) => {
    const position = q * (total - 1);
    const lower = Math.floor(position);
    const upper = Math.min(lower + 1, Math.max(0, Math.ceil(total) - 1));
    const walk = { index: 0, below: 0 };
    const low = atRank(lower, walk);
    const high = atRank(upper, walk);
    return low + (high - low) * (position - lower);
  });
}
