/** Parameter counts, BIC / AIC / ICL by hand, and model selection over a sweep. */
import { classifyRows, scoreRows } from '../../src/engine/predict.js';
import { describe, expect, it } from 'vitest';
import {
  akaikeInformationCriterion,
  bayesianInformationCriterion,
  integratedCompletedLikelihood,
} from '../../src/engine/criteria.js';
import { covarianceParameterCount, freeParameterCount } from '../../src/engine/parameter-count.js';
import { Random } from '../../src/engine/random.js';
import { fitMixture } from '../../src/engine/search.js';
import {
  bestCell,
  inlineRunner,
  scoreFit,
  sweepModels,
  type SweepRunner,
} from '../../src/engine/select-model.js';
import type { CovarianceType } from '../../src/engine/types.js';
import {
  assertClose,
  bytes,
  fromParameters,
  randomResponsibilities,
  referenceEStep,
  sampleMixture,
  toDataMatrix,
  type Matrix,
} from './reference.js';

describe('freeParameterCount', () => {
  it('d = 5, K = 2 (10 means + 1 weight + covariance terms)', () => {
    // full: 2·15 = 30 covariance terms, tied 15, diag 10, spherical 2
    expect(freeParameterCount('full', 2, 5)).toBe(41);
    expect(freeParameterCount('tied', 2, 5)).toBe(26);
    expect(freeParameterCount('diag', 2, 5)).toBe(21);
    expect(freeParameterCount('spherical', 2, 5)).toBe(13);
  });

  it('d = 2, K = 5, full: 10 means + 4 weights + 5·3 covariance terms = 29', () => {
    expect(freeParameterCount('full', 5, 2)).toBe(29);
    expect(covarianceParameterCount('full', 5, 2)).toBe(15);
  });

  it('more hand counts', () => {
    // d = 3, K = 4: 12 means + 3 weights
    expect(freeParameterCount('full', 4, 3)).toBe(12 + 3 + 4 * 6);
    expect(freeParameterCount('tied', 4, 3)).toBe(12 + 3 + 6);
    expect(freeParameterCount('diag', 4, 3)).toBe(12 + 3 + 12);
    expect(freeParameterCount('spherical', 4, 3)).toBe(12 + 3 + 4);
    // one component in one dimension: a mean and a variance, whatever the structure
    for (const type of ['full', 'tied', 'diag', 'spherical'] as CovarianceType[]) {
      expect(freeParameterCount(type, 1, 1)).toBe(2);
    }
  });
});

describe('information criteria by hand', () => {
  it('BIC = −2ℓ + p ln n, AIC = −2ℓ + 2p', () => {
    expect(bayesianInformationCriterion(-1234.5, 41, 200)).toBeCloseTo(
      2469 + 41 * Math.log(200),
      10,
    );
    // ln 1 = 0
    expect(bayesianInformationCriterion(-10, 7, 1)).toBe(20);
    expect(akaikeInformationCriterion(-1234.5, 41)).toBe(2469 + 82);
    expect(akaikeInformationCriterion(3, 2)).toBe(-2);
  });

  it('ICL = BIC − 2 Σᵢ log maxₖ rᵢₖ, on a small hand case', () => {
    // rows (0.9, 0.1), (0.2, 0.8), (0.5, 0.5): their MAP probabilities
    const certainty = new Float64Array([0.9, 0.8, 0.5]);
    const expected = 100 - 2 * (Math.log(0.9) + Math.log(0.8) + Math.log(0.5));
    expect(integratedCompletedLikelihood(100, certainty)).toBeCloseTo(expected, 12);
    // hard memberships: no entropy penalty
    expect(integratedCompletedLikelihood(50, new Float64Array([1, 1]))).toBe(50);
  });

  it('ICL on random soft memberships, computed naively', () => {
    const random = new Random(8);
    const resp = randomResponsibilities(random, 60, 4);
    let penalty = 0;
    for (const row of resp) penalty += Math.log(Math.max(...row));
    const certainty = Float64Array.from(resp, (row) => Math.max(...row));
    assertClose(integratedCompletedLikelihood(-3, certainty), -3 - 2 * penalty, 1e-12);
  });
});

const TWO_BLOBS: Matrix = sampleMixture(
  new Random(606),
  {
    weights: [0.6, 0.4],
    means: [
      [0, 0],
      [5, 5],
    ],
    covariances: [
      [
        [1, 0.3],
        [0.3, 1],
      ],
      [
        [0.5, 0],
        [0, 0.8],
      ],
    ],
  },
  300,
).rows;

const SETTINGS = {
  init: 'kmeans++' as const,
  nInit: 2,
  maxIter: 300,
  tol: 1e-8,
  regCovar: 1e-6,
  seed: 3,
};

describe('scoreFit', () => {
  it.each(['full', 'tied', 'diag', 'spherical'] as CovarianceType[])(
    '%s K = 2: ℓ, BIC, AIC, ICL from the reference memberships',
    (covarianceType) => {
      const data = toDataMatrix(TWO_BLOBS);
      const fit = fitMixture(data, { ...SETTINGS, nComponents: 2, covarianceType });
      const criteria = scoreFit(data, fit);
      const rows = classifyRows(data, fit.parameters);
      const n = TWO_BLOBS.length;
      const reference = referenceEStep(TWO_BLOBS, fromParameters(fit.parameters));
      const p = ({ full: 11, tied: 8, diag: 9, spherical: 7 } as Record<string, number>)[
        covarianceType
      ];
      expect(criteria.nParameters).toBe(p);
      assertClose(criteria.logLikelihood, reference.logLikelihood, 1e-9, 'ℓ');
      const bic = -2 * reference.logLikelihood + p * Math.log(n);
      assertClose(criteria.bic, bic, 1e-9, 'BIC');
      assertClose(criteria.aic, -2 * reference.logLikelihood + 2 * p, 1e-9, 'AIC');
      let penalty = 0;
      for (const row of reference.resp) penalty += Math.log(Math.max(...row));
      assertClose(criteria.icl, bic - 2 * penalty, 1e-9, 'ICL');
      expect(criteria.icl).toBeGreaterThanOrEqual(criteria.bic);
      reference.resp.forEach((row, i) => {
        const best = Math.max(...row);
        assertClose(rows.certainty[i], best, 1e-9, 'certainty');
        expect(row[rows.labels[i]]).toBe(best);
      });
    },
  );
});

describe('scoreRows', () => {
  it('sums over blocks exactly what classifyRows gives row by row (150,000 rows)', () => {
    const n = 150_000;
    const values = new Float64Array(n * 2);
    for (let i = 0; i < values.length; i++) values[i] = (Math.sin(i * 12.9898) * 43758.5453) % 3;
    const data = { values, nSamples: n, nFeatures: 2 };
    const fit = fitMixture(toDataMatrix(TWO_BLOBS), {
      ...SETTINGS,
      nComponents: 2,
      covarianceType: 'full',
    });
    const rows = classifyRows(data, fit.parameters);
    let sumLogCertainty = 0;
    for (let i = 0; i < n; i++) sumLogCertainty += Math.log(rows.certainty[i]);
    expect(scoreRows(data, fit.parameters)).toEqual({
      logLikelihood: rows.logLikelihood,
      sumLogCertainty,
    });
  });
});

describe('sweepModels and bestCell', () => {
  it('scores every cell and picks the lowest criterion', async () => {
    const data = toDataMatrix(TWO_BLOBS);
    const types: CovarianceType[] = ['full', 'spherical'];
    const cells = await sweepModels(data, [1, 2, 3], types, SETTINGS);
    expect(cells.map((c) => `${c.covarianceType}${c.nComponents}`)).toEqual([
      'full1',
      'full2',
      'full3',
      'spherical1',
      'spherical2',
      'spherical3',
    ]);
    const n = TWO_BLOBS.length;
    const bics: number[] = [];
    for (const cell of cells) {
      expect(cell.failure).toBeUndefined();
      const result = cell.result!;
      const ell = referenceEStep(TWO_BLOBS, fromParameters(result.fit.parameters)).logLikelihood;
      const p = freeParameterCount(cell.covarianceType, cell.nComponents, 2);
      const bic = -2 * ell + p * Math.log(n);
      assertClose(result.criteria.bic, bic, 1e-9, `${cell.covarianceType} K=${cell.nComponents}`);
      bics.push(bic);
    }
    const best = bestCell(cells, 'bic')!;
    const lowest = bics.indexOf(Math.min(...bics));
    expect(best).toBe(cells[lowest]);
    // two well-separated blobs with different shapes: BIC picks K = 2
    expect(best.nComponents).toBe(2);
  });

  it('a sweep cell is the fit of its model alone (fit -k K), whatever order the models run in', async () => {
    const data = toDataMatrix(TWO_BLOBS);
    // search the models last to first, return them in task order
    const reversed: SweepRunner = {
      ...inlineRunner,
      async search(d, settings, tasks) {
        const searches = await inlineRunner.search(d, settings, [...tasks].reverse());
        return searches.reverse();
      },
    };
    const cells = await sweepModels(data, [2, 3, 4], ['diag'], SETTINGS, reversed);
    const cell = cells[1];
    const [alone] = await sweepModels(data, [3], ['diag'], SETTINGS);
    const fit = alone.result!.fit;
    expect(bytes(cell.result!.fit.parameters.means)).toEqual(bytes(fit.parameters.means));
    expect(bytes(cell.result!.fit.parameters.covariances)).toEqual(
      bytes(fit.parameters.covariances),
    );
    expect(cell.result!.fit.logLikelihood).toBe(fit.logLikelihood);
  });

  it('keeps a cell with more components than rows as a failure', async () => {
    const data = toDataMatrix(TWO_BLOBS.slice(0, 4));
    const cells = await sweepModels(data, [5], ['diag'], SETTINGS);
    expect(cells).toHaveLength(1);
    expect(cells[0].result).toBeUndefined();
    expect(cells[0].failure).toMatch(/more components than rows \(4\)/);
    expect(bestCell(cells, 'bic')).toBeUndefined();
  });

  it('bestCell passes over failed cells', async () => {
    const cells = await sweepModels(toDataMatrix(TWO_BLOBS), [2, 301], ['spherical'], SETTINGS);
    expect(cells[1].result).toBeUndefined();
    expect(bestCell(cells, 'aic')).toBe(cells[0]);
  });
});
