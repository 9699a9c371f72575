import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MALL, ROOT, runGmmInProcess } from './run-gmm.js';

/**
 * Reference values computed independently by scikit-learn (best of 300 starts, tol
 * 1e-10): fixtures/reference/make-sklearn-reference.py → mall-sklearn.json.
 */
interface ReferenceFit {
  covarianceType: string;
  nComponents: number;
  logLikelihood: number;
  weights: number[];
  meansOriginal: number[][];
  covariancesOriginal: number[][][];
  proba: number[][] | null;
}
const REFERENCE = JSON.parse(
  readFileSync(join(ROOT, 'fixtures', 'reference', 'mall-sklearn.json'), 'utf8'),
) as {
  fits: ReferenceFit[];
};

interface ModelJson {
  format: string;
  version: number;
  model: string;
  columns: string[];
  scaler: { method: string; center: number[]; scale: number[] };
  covarianceType: string;
  components: {
    segment: number;
    label: string;
    weight: number;
    mean: number[];
    covariance: number[][];
    meanOriginal: number[];
    covarianceOriginal: number[][];
  }[];
  fit: {
    logLikelihood: number;
    logLikelihoodOriginal: number;
    bic: number;
    aic: number;
    icl: number;
    nParameters: number;
    nSamples: number;
    converged: boolean;
  };
}

/** The Mall columns straight from the file, parsed here without the tool's code. */
function mallIncomeScore(): number[][] {
  return readFileSync(MALL, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(3, 5).map(Number));
}

async function fitModel(args: string[]): Promise<ModelJson> {
  const result = await runGmmInProcess([
    'fit',
    MALL,
    '--cols',
    'income,score',
    '--model',
    '-',
    ...args,
  ]);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as ModelJson;
}

/** Our component index for each reference component, by nearest original-unit mean. */
function matchComponents(model: ModelJson, reference: ReferenceFit): number[] {
  return reference.meansOriginal.map((refMean) => {
    let best = -1;
    let bestDistance = Infinity;
    model.components.forEach((c, k) => {
      const distance = Math.hypot(c.meanOriginal[0] - refMean[0], c.meanOriginal[1] - refMean[1]);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = k;
      }
    });
    return best;
  });
}

describe('gmm fit on the Mall Customers fixture (income, score)', () => {
  let k5: ModelJson;
  beforeAll(async () => {
    k5 = await fitModel(['-k', '5']);
  });
  const reference5 = REFERENCE.fits.find(
    (f) => f.covarianceType === 'full' && f.nComponents === 5,
  )!;

  it('reaches the K=5 optimum of scikit-learn and mclust: ℓ = −452.4443, BIC 1058.54, 29 parameters', () => {
    expect(k5.fit.logLikelihood).toBeCloseTo(-452.4443, 3);
    expect(k5.fit.logLikelihood).toBeCloseTo(reference5.logLikelihood, 3);
    expect(k5.fit.nParameters).toBe(5 * 2 + 4 + 5 * 3);
    expect(k5.fit.bic).toBeCloseTo(1058.54, 2);
    expect(k5.fit.bic).toBeCloseTo(-2 * k5.fit.logLikelihood + 29 * Math.log(200), 9);
    expect(k5.fit.aic).toBeCloseTo(-2 * k5.fit.logLikelihood + 2 * 29, 9);
    expect(k5.fit.converged).toBe(true);
  });

  it('reports ℓ on the original scale through the Jacobian of the population-sd scaling', () => {
    const rows = mallIncomeScore();
    const sds = [0, 1].map((j) => {
      const column = rows.map((r) => r[j]);
      const mean = column.reduce((a, b) => a + b, 0) / column.length;
      return Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length);
    });
    expect(k5.fit.logLikelihoodOriginal).toBeCloseTo(-1755.3443, 3);
    expect(k5.fit.logLikelihoodOriginal).toBeCloseTo(
      k5.fit.logLikelihood - 200 * (Math.log(sds[0]) + Math.log(sds[1])),
      9,
    );
    expect(k5.scaler.scale[0]).toBeCloseTo(sds[0], 10);
  });

  // The optimum is flat: ℓ agrees to 1e-4, the parameters to ~1e-4 of each column's range.
  it('matches scikit-learn weights, means and covariances in original units', () => {
    const match = matchComponents(k5, reference5);
    expect(new Set(match).size).toBe(5);
    reference5.meansOriginal.forEach((mean, r) => {
      const ours = k5.components[match[r]];
      expect(ours.weight).toBeCloseTo(reference5.weights[r], 3);
      ours.meanOriginal.forEach((value, j) => expect(Math.abs(value - mean[j])).toBeLessThan(0.02));
      ours.covarianceOriginal.forEach((row, a) =>
        row.forEach((value, b) =>
          expect(Math.abs(value - reference5.covariancesOriginal[r][a][b])).toBeLessThan(
            5e-3 * Math.abs(reference5.covariancesOriginal[r][a][a]) + 1e-6,
          ),
        ),
      );
    });
  });

  it('numbers segments by weight, largest first, with plain-words labels', () => {
    const weights = k5.components.map((c) => c.weight);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    expect(k5.components.map((c) => c.segment)).toEqual([1, 2, 3, 4, 5]);
    const labels = k5.components.map((c) => c.label);
    expect(labels).toContain('high income · low score');
    expect(labels).toContain('low income · high score');
  });

  it('writes the labelled CSV with scikit-learn’s predict_proba, row by row', async () => {
    // tol 1e-10 per row (the default, said explicitly), to compare probabilities with
    // scikit-learn's tol 1e-10. EM creeps along this flat optimum, so probabilities agree
    // to ~5e-4, not better.
    const result = await runGmmInProcess([
      'fit',
      MALL,
      '--cols',
      'income,score',
      '-k',
      '5',
      '--tol',
      '1e-10',
      '--labels',
      '-',
    ]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100),segment,p_1,p_2,p_3,p_4,p_5,certainty',
    );
    expect(lines).toHaveLength(201);
    const input = readFileSync(MALL, 'utf8').trim().split('\n');
    const match = matchComponents(k5, reference5);
    lines.slice(1).forEach((line, i) => {
      const fields = line.split(',');
      expect(fields.slice(0, 5).join(',')).toBe(input[i + 1]); // input columns verbatim
      const p = fields.slice(6, 11).map(Number);
      reference5.proba![i].forEach((q, r) => expect(Math.abs(p[match[r]] - q)).toBeLessThan(5e-4));
      const segment = Number(fields[5]);
      expect(p[segment - 1]).toBe(Math.max(...p));
      expect(Number(fields[11])).toBe(Math.max(...p));
    });
  });

  it.each(
    REFERENCE.fits
      .filter((f) => !(f.covarianceType === 'full' && f.nComponents === 3))
      .map((f) => [f.covarianceType, f.nComponents, f.logLikelihood] as const),
  )(
    '%s K=%i reaches scikit-learn’s best of 300 starts (ℓ = %f)',
    async (covariance, k, logLikelihood) => {
      const model = await fitModel(['-k', String(k), '--covariance', covariance]);
      expect(model.fit.logLikelihood).toBeCloseTo(logLikelihood, 3);
    },
  );

  it('full K=3 beats mclust’s −510.9787 and scikit-learn’s 30 k-means starts (−512.44)', async () => {
    const model = await fitModel(['-k', '3']);
    expect(model.fit.logLikelihood).toBeGreaterThan(-510.9787);
  });

  it('-k auto fits K = 1..10 and keeps the lowest BIC, K=4 (as scikit-learn and mclust do)', async () => {
    const result = await runGmmInProcess(['fit', MALL, '--cols', 'income,score']);
    expect(result.status).toBe(0);
    const line = result.stdout.split('\n').find((l) => l.startsWith('K chosen by lowest BIC'))!;
    const bics = [...line.matchAll(/K=(\d+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(bics.map(([k]) => k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const best = bics.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(best[0]).toBe(4);
    expect(line).toContain('K=4 1055.48 ←');
    expect(result.stdout).toContain('K=4 · full covariance');
  });

  it('writes all three outputs with --out-dir, byte-identical on a second run', async () => {
    const first = mkdtempSync(join(tmpdir(), 'gmm-e2e-'));
    const second = mkdtempSync(join(tmpdir(), 'gmm-e2e-'));
    for (const dir of [first, second]) {
      const result = await runGmmInProcess([
        'fit',
        MALL,
        '--cols',
        'income,score',
        '-k',
        '5',
        '--profile',
        'gender,age',
        '--out-dir',
        dir,
      ]);
      expect(result.status).toBe(0);
    }
    for (const name of ['segments.csv', 'model.json', 'plot.svg']) {
      expect(readFileSync(join(first, name)).equals(readFileSync(join(second, name)))).toBe(true);
    }
    const svg = readFileSync(join(first, 'plot.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Annual Income (k$)');
    expect(svg).toContain('Spending Score (1-100)');
    expect(svg).toContain('1σ');
    const model = JSON.parse(readFileSync(join(first, 'model.json'), 'utf8')) as ModelJson;
    expect(model.format).toBe('gmm-model');
    expect(model.version).toBe(2);
    expect(model.model).toBe('VVV');
    expect(model.columns).toEqual(['Annual Income (k$)', 'Spending Score (1-100)']);
  });
});
