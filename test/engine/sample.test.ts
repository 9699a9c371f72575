import { describe, expect, it } from 'vitest';
import { Random } from '../../src/engine/random.js';
import { covarianceFactors, sampleMixture } from '../../src/engine/sample.js';
import type { MixtureParameters } from '../../src/engine/types.js';

/** Known mixture: d = 2, K = 2, one correlated component. */
const TRUTH: MixtureParameters = {
  nComponents: 2,
  nFeatures: 2,
  covarianceType: 'full',
  weights: Float64Array.from([0.7, 0.3]),
  means: Float64Array.from([0, 0, 10, -5]),
  covariances: Float64Array.from([4, 1.2, 1.2, 1, 0.25, 0, 0, 9]),
};

describe('sampleMixture', () => {
  const n = 200_000;
  const draws = sampleMixture(TRUTH, covarianceFactors(TRUTH), n, new Random(11));

  it('draws components by weight (within 4 standard errors)', () => {
    const share = draws.components.reduce((s, k) => s + (k === 0 ? 1 : 0), 0) / n;
    expect(Math.abs(share - 0.7)).toBeLessThan(4 * Math.sqrt((0.7 * 0.3) / n));
  });

  it('reproduces each component’s mean and covariance', () => {
    for (let k = 0; k < 2; k++) {
      const rows: number[][] = [];
      for (let i = 0; i < n; i++)
        if (draws.components[i] === k) rows.push([draws.values[2 * i], draws.values[2 * i + 1]]);
      const mean = [0, 1].map((j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
      const cov = [0, 1].map((a) =>
        [0, 1].map(
          (b) => rows.reduce((s, r) => s + (r[a] - mean[a]) * (r[b] - mean[b]), 0) / rows.length,
        ),
      );
      for (let j = 0; j < 2; j++) {
        const sd = Math.sqrt(TRUTH.covariances[k * 4 + j * 3]);
        expect(Math.abs(mean[j] - TRUTH.means[k * 2 + j])).toBeLessThan(
          (5 * sd) / Math.sqrt(rows.length),
        );
      }
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) {
          const truth = TRUTH.covariances[k * 4 + a * 2 + b];
          const scale = Math.sqrt(
            TRUTH.covariances[k * 4 + a * 3] * TRUTH.covariances[k * 4 + b * 3],
          );
          expect(Math.abs(cov[a][b] - truth)).toBeLessThan(0.03 * scale);
        }
      }
    }
  });

  it('drawing in batches continues one stream: the same rows as drawing at once', () => {
    const random = new Random(5);
    const factors = covarianceFactors(TRUTH);
    const first = sampleMixture(TRUTH, factors, 7, random);
    const second = sampleMixture(TRUTH, factors, 5, random);
    const whole = sampleMixture(TRUTH, factors, 12, new Random(5));
    expect([...first.values, ...second.values]).toEqual([...whole.values]);
    expect([...first.components, ...second.components]).toEqual([...whole.components]);
  });
});
