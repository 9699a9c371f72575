import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MALL, runGmmInProcess } from './run-gmm.js';

interface Cell {
  nComponents: number;
  covarianceType: string;
  logLikelihood: number | null;
  nParameters: number | null;
  bic: number | null;
  aic: number | null;
  icl: number | null;
  failure: string | null;
}
interface Report {
  cells: Cell[];
  best: number;
}

async function sweep(args: string[]): Promise<{ report: Report; stdout: string }> {
  const result = await runGmmInProcess([
    'select-k',
    MALL,
    '--cols',
    'income,score',
    '--format',
    'json',
    ...args,
  ]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return { report: JSON.parse(result.stdout) as Report, stdout: result.stdout };
}

describe('gmm select-k on the Mall data (income, score)', () => {
  let all: { report: Report; stdout: string };
  beforeAll(async () => {
    // One thread: the test workers already keep both cores busy, and worker threads
    // would only add their start-up (output is the same for any --threads, tested below).
    all = await sweep(['--threads', '1']);
  });

  /** Optima scikit-learn (best of 300 starts) and mclust reach; where they differ, the better one. */
  const OPTIMA: [string, number, number][] = [
    ['tied', 4, -520.0791],
    ['tied', 5, -484.1983],
    ['diag', 2, -532.8717],
    ['diag', 4, -470.6559],
    ['diag', 5, -457.254],
    ['spherical', 2, -535.1689],
    ['spherical', 3, -520.0153],
    ['spherical', 5, -473.1801],
    ['full', 4, -466.8088],
    ['full', 5, -452.4443],
  ];

  it.each(OPTIMA)('%s K=%i reaches ℓ = %f', (type, k, logLikelihood) => {
    const cell = all.report.cells.find((c) => c.covarianceType === type && c.nComponents === k)!;
    expect(cell.logLikelihood).toBeCloseTo(logLikelihood, 3);
  });

  it('diag K=3 does at least as well as the peers’ −517.0280 (scikit-learn’s 300 starts: −496.4969)', () => {
    const cell = all.report.cells.find((c) => c.covarianceType === 'diag' && c.nComponents === 3)!;
    expect(cell.logLikelihood!).toBeGreaterThan(-517.028);
  });

  it('every cell carries ℓ, p, BIC, AIC and ICL by their definitions', () => {
    expect(all.report.cells).toHaveLength(40);
    for (const cell of all.report.cells) {
      const { nComponents: k, logLikelihood: ll, nParameters: p } = cell;
      const covarianceTerms = { full: k * 3, tied: 3, diag: k * 2, spherical: k }[
        cell.covarianceType
      ]!;
      expect(p).toBe(k * 2 + (k - 1) + covarianceTerms);
      expect(cell.bic).toBeCloseTo(-2 * ll! + p! * Math.log(200), 8);
      expect(cell.aic).toBeCloseTo(-2 * ll! + 2 * p!, 8);
      expect(cell.icl!).toBeGreaterThanOrEqual(cell.bic! - 1e-9);
    }
    const best = all.report.cells[all.report.best];
    expect(Math.min(...all.report.cells.map((c) => c.bic!))).toBe(best.bic);
  });

  it('over full covariance alone picks K=4 by BIC, as scikit-learn and mclust do', async () => {
    // of the full cells of the whole sweep (each cell is searched alike in any sweep)…
    const full = all.report.cells.filter((c) => c.covarianceType === 'full');
    const lowest = full.reduce((best, c) => (c.bic! < best.bic! ? c : best));
    expect(lowest.nComponents).toBe(4);
    // …and by select-k itself when asked for full alone
    const { report } = await sweep(['--covariance', 'full', '-k', '3..5']);
    expect(report.cells[report.best].nComponents).toBe(4);
    expect(report.cells.map((c) => c.covarianceType)).toEqual(Array(3).fill('full'));
  });

  it('gives the same output for any thread count', async () => {
    // 8 models: searches handed out to 3 workers in turn, against all in one thread
    expect((await sweep(['--threads', '1', '-k', '2..3'])).stdout).toBe(
      (await sweep(['--threads', '3', '-k', '2..3'])).stdout,
    );
  });

  it('prints one table, the best marked, and the sign convention', async () => {
    const result = await runGmmInProcess([
      'select-k',
      MALL,
      '--cols',
      'income,score',
      '-k',
      '2..5',
      '--covariance',
      'full,diag',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('lower is better');
    expect(result.stdout).toContain('mclust prints BIC as 2ℓ − p ln n');
    expect(result.stdout).toMatch(/│ +4 │ +1055\.48 \(\+13\.81\) │ +1041\.98 \(\+0\.31\) │/);
    expect(result.stdout).toMatch(/│ +5 │ +1058\.54 \(\+16\.87\) │ +1041\.67 ★ │/);
  });

  it('keeps going when a cell fails, and says why', async () => {
    // 16 rows in 4 groups: K=8 leaves some component with ≤ d = 2 rows, so every start fails.
    const rows = ['x,y'];
    for (const [cx, cy] of [
      [0, 0],
      [5, 5],
      [9, 0],
      [0, 9],
    ]) {
      for (const [dx, dy] of [
        [0, 0],
        [0.3, 0.1],
        [0.1, 0.35],
        [0.25, 0.3],
      ])
        rows.push(`${cx + dx},${cy + dy}`);
    }
    const result = await runGmmInProcess(
      ['select-k', '-', '-k', '1..8', '--covariance', 'full', '--format', 'csv'],
      `${rows.join('\n')}\n`,
    );
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[8]).toMatch(
      /^8,full,VVV,,,,,,,,,false,false,"?no usable fit .*(collapsed|holds only|singular)/,
    );
    expect(lines[4]).toMatch(/^4,full,VVV,-?\d/);
  });

  it('--plot writes the criterion chart; --fit --out-dir writes what gmm fit writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gmm-sk-'));
    const result = await runGmmInProcess([
      'select-k',
      MALL,
      '--cols',
      'income,score',
      '-k',
      '3..5',
      '--covariance',
      'full',
      '--fit',
      '--out-dir',
      dir,
    ]);
    expect(result.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'bic.svg',
      'model.json',
      'plot.svg',
      'report.html',
      'segments.csv',
    ]);
    const bic = readFileSync(join(dir, 'bic.svg'), 'utf8');
    expect(bic.startsWith('<svg')).toBe(true);
    expect(bic).toContain('BIC (lower is better)');
    expect(bic).toContain('best: full K=4');
    const fromSweep = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const direct = JSON.parse(
      (await runGmmInProcess(['fit', MALL, '--cols', 'income,score', '-k', '4', '--model', '-']))
        .stdout,
    );
    expect(fromSweep.components).toEqual(direct.components);
    expect(fromSweep.fit.logLikelihood).toBe(direct.fit.logLikelihood);
    const directLabels = (
      await runGmmInProcess(['fit', MALL, '--cols', 'income,score', '-k', '4', '--labels', '-'])
    ).stdout;
    expect(readFileSync(join(dir, 'segments.csv'), 'utf8')).toBe(directLabels);
  });
});
