/**
 * mclust's models through the built binary, on mclust's faithful data (raw units:
 * --scale none; --reg-covar 0, as mclust has no ridge), against R's mclust 6.0
 * (fixtures/reference/mclust-reference.json) and a naive density from the model file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runGmmInProcess, type RunResult } from './run-gmm.js';

const FAITHFUL = join(ROOT, 'fixtures', 'mclust', 'faithful.csv');
const dir = mkdtempSync(join(tmpdir(), 'gmm-mclust-'));
const MODEL = join(dir, 'vev.json');
const AS_MCLUST = ['--scale', 'none', '--reg-covar', '0'];

interface ReferenceCell {
  model: string;
  G: number;
  bic: number | null;
  loglik: number | null;
}
const reference = JSON.parse(
  readFileSync(join(ROOT, 'fixtures', 'reference', 'mclust-reference.json'), 'utf8'),
) as { sets: { name: string; cells: ReferenceCell[] }[] };
const faithful = reference.sets.find((s) => s.name === 'faithful')!;
const mclustCell = (model: string, G: number) =>
  faithful.cells.find((c) => c.model === model && c.G === G)!;

interface Component {
  weight: number;
  meanOriginal: number[];
  covarianceOriginal: number[][];
}

function naiveLogDensity(components: Component[], x: number[]): number {
  let density = 0;
  for (const { weight, meanOriginal: m, covarianceOriginal: s } of components) {
    const det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
    const d = [x[0] - m[0], x[1] - m[1]];
    const q = (s[1][1] * d[0] * d[0] - 2 * s[0][1] * d[0] * d[1] + s[0][0] * d[1] * d[1]) / det;
    density += (weight * Math.exp(-q / 2)) / (2 * Math.PI * Math.sqrt(det));
  }
  return Math.log(density);
}

let fitted: RunResult;
beforeAll(async () => {
  fitted = await runGmmInProcess([
    'fit',
    FAITHFUL,
    '-k',
    '3',
    '--covariance',
    'VEV',
    ...AS_MCLUST,
    '--n-init',
    '20',
    '--model',
    MODEL,
    '-q',
  ]);
});

describe('an mclust model through fit, predict, score and sample', () => {
  it('fit VEV: model JSON version 2 names it, and its ℓ is at least mclust’s', () => {
    expect(fitted.status).toBe(0);
    expect(fitted.stdout).toMatch(/K=3 · mclust VEV covariance/);
    const model = JSON.parse(readFileSync(MODEL, 'utf8')) as {
      version: number;
      covarianceType: string;
      model: string;
      components: Component[];
      fit: { logLikelihoodOriginal: number; nParameters: number };
    };
    expect([model.version, model.covarianceType, model.model]).toEqual([2, 'VEV', 'VEV']);
    const mclust = mclustCell('VEV', 3).loglik!;
    expect(model.fit.logLikelihoodOriginal).toBeGreaterThanOrEqual(
      mclust - 1e-6 * Math.abs(mclust),
    );
    // VEV: one shape — the covariances' eigenvalues, each divided by their product's root, agree
    const shapes = model.components.map(({ covarianceOriginal: s }) => {
      const trace = s[0][0] + s[1][1];
      const det = s[0][0] * s[1][1] - s[0][1] ** 2;
      const root = Math.sqrt(trace * trace - 4 * det);
      return ((trace + root) / 2 / Math.sqrt(det)).toFixed(9);
    });
    expect(new Set(shapes).size).toBe(1);
  });

  it('score: the naive mixture density of the model file; the sum is fit’s ℓ', async () => {
    const model = JSON.parse(readFileSync(MODEL, 'utf8')) as {
      components: Component[];
      fit: { logLikelihoodOriginal: number };
    };
    const result = await runGmmInProcess(['score', MODEL, FAITHFUL]);
    expect(result.status).toBe(0);
    let total = 0;
    for (const line of result.stdout.trim().split('\n').slice(1)) {
      const [eruptions, waiting, logDensity] = line.split(',').map(Number);
      expect(logDensity).toBeCloseTo(naiveLogDensity(model.components, [eruptions, waiting]), 6);
      total += logDensity;
    }
    expect(total).toBeCloseTo(model.fit.logLikelihoodOriginal, 4);
  });

  it('predict assigns every row to one of the 3 segments; sample draws rows', async () => {
    const predicted = await runGmmInProcess(['predict', MODEL, FAITHFUL, '-q']);
    expect(predicted.status).toBe(0);
    const lines = predicted.stdout.trim().split('\n');
    expect(lines).toHaveLength(273);
    const segmentColumn = lines[0].split(',').indexOf('segment');
    expect(segmentColumn).toBeGreaterThan(-1);
    const segments = new Set(lines.slice(1).map((l) => l.split(',')[segmentColumn]));
    expect([...segments].sort()).toEqual(['1', '2', '3']);
    const sampled = await runGmmInProcess(['sample', MODEL, '-n', '5', '--seed', '1']);
    expect(sampled.status).toBe(0);
    expect(sampled.stdout.trim().split('\n')).toHaveLength(6);
  });
});

describe('select-k over mclust’s models', () => {
  it('--covariance all: the fourteen, both names where both exist, each BIC at least mclust’s', async () => {
    const result = await runGmmInProcess([
      'select-k',
      FAITHFUL,
      '-k',
      '1..2',
      '--covariance',
      'all',
      ...AS_MCLUST,
      '--n-init',
      '10',
      '--format',
      'json',
      '-q',
    ]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      covarianceTypes: string[];
      mclustNames: string[];
      cells: { nComponents: number; covarianceType: string; mclustName: string; bic: number }[];
    };
    expect(report.mclustNames).toEqual(
      faithful.cells.map((c) => c.model).filter((_, i) => i % 9 === 0),
    );
    expect(report.covarianceTypes.slice(0, 2)).toEqual(['EII', 'spherical']);
    expect(report.cells).toHaveLength(28);
    for (const cell of report.cells) {
      const mclust = mclustCell(cell.mclustName, cell.nComponents).bic!;
      // gmm's BIC is −(mclust's): lower is better
      expect(-cell.bic, `${cell.mclustName} K=${cell.nComponents}`).toBeGreaterThanOrEqual(
        mclust - 1e-6 * Math.abs(mclust),
      );
    }
  });

  it('--covariance sklearn: the four; an unknown name is a usage error', async () => {
    const four = await runGmmInProcess([
      'select-k',
      FAITHFUL,
      '-k',
      '1',
      '--covariance',
      'sklearn',
      '--format',
      'csv',
      '-q',
    ]);
    expect(four.status).toBe(0);
    const types = four.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(1, 3).join(' '));
    expect(types).toEqual(['full VVV', 'tied EEE', 'diag VVI', 'spherical VII']);
    const bad = await runGmmInProcess(['fit', FAITHFUL, '--covariance', 'VVX']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/VVX/);
  });

  it('one column: the fourteen are mclust’s E and V, fitted once each', async () => {
    const result = await runGmmInProcess([
      'select-k',
      FAITHFUL,
      '--cols',
      'waiting',
      '-k',
      '1..2',
      '--covariance',
      'all',
      '--format',
      'json',
      '-q',
    ]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { mclustNames: string[]; cells: unknown[] };
    expect(report.mclustNames).toEqual(['E', 'V']);
    expect(report.cells).toHaveLength(4);
  });
});
