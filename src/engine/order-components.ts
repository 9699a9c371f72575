import type { MixtureParameters } from './types.js';

/**
 * The stable segment order: largest weight first, ties broken by the means
 * (lexicographically, smaller first), so labels do not switch between runs.
 * Returns the permutation: order[newIndex] = oldIndex.
 */
export function componentOrder(parameters: MixtureParameters): number[] {
  const { nComponents, nFeatures: d, weights, means } = parameters;
  const order = Array.from({ length: nComponents }, (_, k) => k);
  order.sort((a, b) => {
    if (weights[a] !== weights[b]) return weights[b] - weights[a];
    for (let j = 0; j < d; j++) {
      const difference = means[a * d + j] - means[b * d + j];
      if (difference !== 0) return difference;
    }
    return a - b;
  });
  return order;
}

/** The same mixture with its components permuted: result component i = old component order[i]. */
export function permuteComponents(
  parameters: MixtureParameters,
  order: readonly number[],
): MixtureParameters {
  const { nComponents: K, nFeatures: d } = parameters;
  const weights = new Float64Array(K);
  const means = new Float64Array(K * d);
  const covariances = new Float64Array(K * d * d);
  order.forEach((old, k) => {
    weights[k] = parameters.weights[old];
    means.set(parameters.means.subarray(old * d, old * d + d), k * d);
    covariances.set(parameters.covariances.subarray(old * d * d, (old + 1) * d * d), k * d * d);
  });
  return { ...parameters, weights, means, covariances };
}
