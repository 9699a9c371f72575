/** Quantile of ascending values with linear interpolation between order statistics (numpy's default). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** Quantiles of unsorted values (copied, then sorted). */
export function quantiles(values: Float64Array, qs: readonly number[]): number[] {
  const sorted = values.slice().sort();
  return qs.map((q) => quantileOfSorted(sorted, q));
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
