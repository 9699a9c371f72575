/**
 * Recovery: data drawn (Random.nextNormal, x = μ + L z with Σ = L Lᵀ) from a known
 * mixture of three well-separated components, fitted with the same structure.
 *
 * Tolerances, with n = 6000 and weights (0.5, 0.3, 0.2), so nₖ ≥ 1200:
 *   weights ±0.02: standard error √(w(1−w)/n) ≤ 0.0065, so ≥ 3 SE;
 *   means   ±0.1:  SE √(Σⱼⱼ/nₖ) ≤ √(1.5/3000) = 0.022 (largest variance sits in the
 *                  largest component), so ≥ 4.5 SE;
 *   covariance entries ±0.15: SE of a sample variance is Σⱼⱼ √(2/nₖ) ≤ 1.5·0.026 = 0.039,
 *                  so ≥ 3.8 SE.
 * The components are ≥ 5 standard deviations apart, so the fitted clusters are the
 * drawn ones, up to a permutation found by nearest mean.
 */
import { describe, expect, it } from 'vitest';
import { fitMixture } from '../../src/engine/search.js';
import { Random } from '../../src/engine/random.js';
import type { CovarianceType } from '../../src/engine/types.js';
import {
  fromParameters,
  referenceLogLikelihood,
  sampleMixture,
  toDataMatrix,
  type ReferenceMixture,
} from './reference.js';

const N = 6000;
const WEIGHTS = [0.5, 0.3, 0.2];
const MEANS = [
  [0, 0],
  [6, 1],
  [1, 6],
];

const TRUTHS: Partial<Record<CovarianceType, ReferenceMixture>> = {
  full: {
    weights: WEIGHTS,
    means: MEANS,
    covariances: [
      [
        [1.5, 0.9],
        [0.9, 1.0],
      ],
      [
        [0.8, -0.2],
        [-0.2, 0.6],
      ],
      [
        [0.5, 0],
        [0, 0.5],
      ],
    ],
  },
  tied: {
    weights: WEIGHTS,
    means: MEANS,
    covariances: Array.from({ length: 3 }, () => [
      [1.0, 0.4],
      [0.4, 0.7],
    ]),
  },
  diag: {
    weights: WEIGHTS,
    means: MEANS,
    covariances: [
      [
        [1.4, 0],
        [0, 0.5],
      ],
      [
        [0.4, 0],
        [0, 1.0],
      ],
      [
        [0.6, 0],
        [0, 0.3],
      ],
    ],
  },
  spherical: {
    weights: WEIGHTS,
    means: MEANS,
    covariances: [1.2, 0.6, 0.3].map((s) => [
      [s, 0],
      [0, s],
    ]),
  },
};

describe('recovering a known mixture', () => {
  it.each(Object.keys(TRUTHS) as CovarianceType[])('%s', (covarianceType) => {
    const truth = TRUTHS[covarianceType]!;
    const random = new Random(
      20240601,
      ['full', 'tied', 'diag', 'spherical'].indexOf(covarianceType),
    );
    const { rows, labels } = sampleMixture(random, truth, N);
    // the sampler itself: the drawn shares are close to the weights
    for (let k = 0; k < 3; k++) {
      const share = labels.filter((l) => l === k).length / N;
      expect(Math.abs(share - truth.weights[k])).toBeLessThan(0.02);
    }

    const fit = fitMixture(toDataMatrix(rows), {
      nComponents: 3,
      covarianceType,
      init: 'mixed',
      nInit: 3,
      maxIter: 500,
      tol: 1e-8,
      regCovar: 1e-6,
      seed: 1,
    });
    expect(fit.converged).toBe(true);
    const fitted = fromParameters(fit.parameters);

    // match each true component to the fitted one with the nearest mean
    const match = truth.means.map((mu) => {
      let best = -1;
      let bestDistance = Infinity;
      fitted.means.forEach((m, j) => {
        const distance = (m[0] - mu[0]) ** 2 + (m[1] - mu[1]) ** 2;
        if (distance < bestDistance) {
          bestDistance = distance;
          best = j;
        }
      });
      return best;
    });
    expect(new Set(match).size).toBe(3);

    for (let k = 0; k < 3; k++) {
      const j = match[k];
      expect(Math.abs(fitted.weights[j] - truth.weights[k])).toBeLessThan(0.02);
      for (let a = 0; a < 2; a++) {
        expect(Math.abs(fitted.means[j][a] - truth.means[k][a])).toBeLessThan(0.1);
        for (let b = 0; b < 2; b++) {
          expect(
            Math.abs(fitted.covariances[j][a][b] - truth.covariances[k][a][b]),
            `Σ${k + 1}[${a}][${b}]`,
          ).toBeLessThan(0.15);
        }
      }
    }
    // the segments come largest first, so the fitted order is the true one
    expect(match).toEqual([0, 1, 2]);
    // the maximum-likelihood fit beats the parameters the data were drawn from
    expect(fit.logLikelihood).toBeGreaterThan(referenceLogLikelihood(rows, truth));
  });
});
