/**
 * How sure the model is of each row, summarised for a report: a histogram of the
 * certainties (each row's largest membership probability) and the least certain rows.
 * Pure; certainty: n values in [0, 1].
 */

/** Counts of certainty in `bins` equal bins over [0, 1]; 1 falls in the last bin. */
export function certaintyHistogram(certainty: Float64Array, bins: number): Float64Array {
  const counts = new Float64Array(bins);
  for (let i = 0; i < certainty.length; i++) {
    counts[Math.min(bins - 1, Math.max(0, Math.floor(certainty[i] * bins)))] += 1;
  }
  return counts;
}

/**
 * The 0-based indexes of the `count` least certain rows, least certain first (ties by
 * index). One pass keeping a sorted buffer of `count`: O(n·count), no n-sized copy.
 */
export function leastCertainRows(certainty: Float64Array, count: number): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < certainty.length; i++) {
    const value = certainty[i];
    if (chosen.length === count && value >= certainty[chosen[chosen.length - 1]]) continue;
    let at = chosen.length;
    while (at > 0 && certainty[chosen[at - 1]] > value) at--;
    chosen.splice(at, 0, i);
    if (chosen.length > count) chosen.pop();
  }
  return chosen;
}
