/**
 * A K sweep on more rows than the search sample: each model searched on a subsample,
 * its best solutions refined on all rows in one race (engine/race.ts). The sweep's
 * choice must be the fit of that K alone, and no K fitted alone may beat it, by BIC
 * and by ICL. (Apart from search.test.ts: these sweeps are the slowest engine tests,
 * and a file of their own lets the runner spread them.)
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/engine/random.js';
import { searchRowCount } from '../../src/engine/search-sample.js';
import { bestCell, sweepModels } from '../../src/engine/select-model.js';
import { sampleMixture, toDataMatrix, type ReferenceMixture } from './reference.js';
import { OVERLAPPING, settings } from './search-fixtures.js';

describe('a K sweep on a subsample, refined in a race', () => {
  // 3 components, 8,000 rows: more than the search sample, so every K is searched on
  // a subsample and refined on all rows
  const truth: ReferenceMixture = {
    weights: [0.5, 0.3, 0.2],
    means: [
      [0, 0],
      [6, 1],
      [1, 6],
    ],
    covariances: OVERLAPPING.covariances,
  };
  const data = toDataMatrix(sampleMixture(new Random(2024), truth, 8_000).rows);
  const sweepSettings = { ...settings({}), nComponents: undefined, covarianceType: undefined };
  delete sweepSettings.nComponents;
  delete sweepSettings.covarianceType;

  it('picks K=3, with the ℓ of fitting K=3 alone, and no -k cell beats it', async () => {
    expect(searchRowCount(5, 2)).toBeLessThan(data.nSamples);
    const cells = await sweepModels(data, [1, 2, 3, 4, 5], ['full'], sweepSettings);
    const chosen = bestCell(cells, 'bic')!;
    expect(chosen.nComponents).toBe(3);
    expect(chosen.stoppedEarly).toBe(false);
    expect(chosen.result!.fit.converged).toBe(true);
    for (const K of [1, 2, 3, 4, 5]) {
      const [alone] = await sweepModels(data, [K], ['full'], sweepSettings);
      // superfluous components can collapse once converged on all rows: then refused
      if (alone.result === undefined) {
        expect(alone.failure).toMatch(/collapsed|holds only/);
        continue;
      }
      if (K === 3) {
        expect(alone.result!.fit.logLikelihood).toBe(chosen.result!.fit.logLikelihood);
      }
      expect(alone.result!.criteria.bic).toBeGreaterThanOrEqual(chosen.result!.criteria.bic);
    }
    // cells stopped early are marked, and their BIC (an upper bound) is worse
    for (const cell of cells.filter((c) => c.stoppedEarly)) {
      expect(cell.result!.criteria.bic).toBeGreaterThan(chosen.result!.criteria.bic);
    }
  });

  it('by ICL too: the race stops on a BIC bound (ICL ≥ BIC) and the winner converges', async () => {
    const cells = await sweepModels(
      data,
      [2, 3, 4, 5],
      ['full'],
      sweepSettings,
      undefined,
      undefined,
      'icl',
    );
    const chosen = bestCell(cells, 'icl')!;
    expect(chosen.nComponents).toBe(3);
    expect(chosen.stoppedEarly).toBe(false);
    expect(chosen.result!.fit.converged).toBe(true);
    const [alone] = await sweepModels(data, [3], ['full'], sweepSettings);
    expect(chosen.result!.fit.logLikelihood).toBe(alone.result!.fit.logLikelihood);
    expect(cells.some((c) => c.stoppedEarly)).toBe(true);
  });
});
