/**
 * The built binary on the shipped Mall copies: --missing em (ℓ in original units
 * against a naive marginal likelihood computed here from the model JSON, the
 * labelled CSV keeping empty cells, --impute against the conditional means, predict
 * and score marginalising) and --weights (a weighted file against the file with each
 * row repeated w times).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runGmmInProcess } from './run-gmm.js';
import { gaussianLogDensity, inverse, type Matrix, type Vector } from '../engine/reference.js';

const MISSING = join(ROOT, 'fixtures', 'mall_customers_missing.csv');
const WEIGHTED = join(ROOT, 'fixtures', 'mall_customers_weighted.csv');
const dir = mkdtempSync(join(tmpdir(), 'gmm-missing-'));

interface ModelJson {
  components: { weight: number; meanOriginal: number[]; covarianceOriginal: number[][] }[];
  fit: { logLikelihood: number; logLikelihoodOriginal: number; bic: number; nSamples: number };
  density: { levels: number[]; logDensityQuantiles: number[] };
}

/** Rows of the three modelled columns (Age, Income, Score), NaN where empty. */
function modelledRows(csv: string): Vector[] {
  return csv
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) =>
      line
        .split(',')
        .slice(2, 5)
        .map((cell) => (cell === '' ? NaN : Number(cell))),
    );
}

/** log Σₖ πₖ N(x_o | μₖ,o, Σₖ,oo) and the posterior conditional mean of each missing cell. */
function naive(x: Vector, model: ModelJson): { logDensity: number; filled: Vector } {
  const o = x.flatMap((v, j) => (Number.isNaN(v) ? [] : [j]));
  const terms: number[] = [];
  const filled: Matrix = [];
  for (const c of model.components) {
    const S = c.covarianceOriginal;
    const Soo = o.map((a) => o.map((b) => S[a][b]));
    const inv = inverse(Soo);
    const diff = o.map((j) => x[j] - c.meanOriginal[j]);
    terms.push(
      Math.log(c.weight) +
        gaussianLogDensity(
          o.map((j) => x[j]),
          o.map((j) => c.meanOriginal[j]),
          Soo,
        ),
    );
    filled.push(
      x.map((v, j) => {
        if (!Number.isNaN(v)) return v;
        const gain = o.map((_, b) => o.reduce((s, a, t) => s + S[j][a] * inv[t][b], 0));
        return c.meanOriginal[j] + gain.reduce((s, g, b) => s + g * diff[b], 0);
      }),
    );
  }
  const max = Math.max(...terms);
  const total = terms.reduce((s, t) => s + Math.exp(t - max), 0);
  const posterior = terms.map((t) => Math.exp(t - max) / total);
  return {
    logDensity: max + Math.log(total),
    filled: x.map((_, j) => posterior.reduce((s, p, k) => s + p * filled[k][j], 0)),
  };
}

describe('gmm fit --missing em on the Mall copy with missing cells', () => {
  const labels = join(dir, 'labels.csv');
  const modelPath = join(dir, 'model.json');
  let model: ModelJson;
  let summary: string;
  beforeAll(async () => {
    const result = await runGmmInProcess([
      'fit',
      MISSING,
      '--cols',
      'age,income,score',
      '-k',
      '3',
      '--missing',
      'em',
      '--impute',
      '--labels',
      labels,
      '--model',
      modelPath,
    ]);
    expect(result.status).toBe(0);
    summary = result.stdout;
    model = JSON.parse(readFileSync(modelPath, 'utf8')) as ModelJson;
  });

  it('ℓ (original units) is the naive marginal log-likelihood over every row', () => {
    const rows = modelledRows(readFileSync(MISSING, 'utf8'));
    const expected = rows.reduce((s, x) => s + naive(x, model).logDensity, 0);
    expect(Math.abs(model.fit.logLikelihoodOriginal - expected)).toBeLessThan(1e-6);
    expect(model.fit.nSamples).toBe(200);
  });

  it('the summary counts the rows and cells missing per column', () => {
    const input = modelledRows(readFileSync(MISSING, 'utf8'));
    const perColumn = [0, 1, 2].map((j) => input.filter((x) => Number.isNaN(x[j])).length);
    const rows = input.filter((x) => x.some((v) => Number.isNaN(v))).length;
    expect(summary).toContain(
      `${rows} rows with missing cells fitted on their observed cells (--missing em); missing per column: Age ${perColumn[0]} · Annual Income (k$) ${perColumn[1]} · Spending Score (1-100) ${perColumn[2]}`,
    );
  });

  it('the labelled CSV keeps empty cells, and --impute fills them by the conditional mean', () => {
    const input = readFileSync(MISSING, 'utf8').trimEnd().split('\n');
    const output = readFileSync(labels, 'utf8').trimEnd().split('\n');
    expect(output.length).toBe(input.length);
    expect(output[0]).toBe(
      `${input[0]},segment,p_1,p_2,p_3,certainty,Age_imputed,Annual Income (k$)_imputed,Spending Score (1-100)_imputed`,
    );
    const rows = modelledRows(input.join('\n'));
    for (let i = 1; i < input.length; i++) {
      const cells = output[i].split(',');
      expect(cells.slice(0, 5).join(',')).toBe(input[i]);
      const imputed = cells.slice(-3).map(Number);
      const expected = naive(rows[i - 1], model).filled;
      imputed.forEach((v, j) => expect(Math.abs(v - expected[j])).toBeLessThan(1e-6));
    }
  });

  it('predict and score marginalise the same way, with a note', async () => {
    const predicted = await runGmmInProcess(['predict', modelPath, MISSING, '--missing', 'em']);
    expect(predicted.status).toBe(0);
    const fitted = readFileSync(labels, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.split(',').slice(0, 10).join(','));
    expect(predicted.stdout.trimEnd().split('\n')).toEqual(fitted);
    expect(predicted.stderr).toContain('rows with missing cells scored on their observed cells');
    const scored = await runGmmInProcess(['score', modelPath, MISSING, '--missing', 'em']);
    const total = scored.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .reduce((s, line) => s + Number(line.split(',').at(-1)), 0);
    expect(Math.abs(total - model.fit.logLikelihoodOriginal)).toBeLessThan(1e-3);
  });

  it('a row with no modelled value is an error naming its line', async () => {
    const file = join(dir, 'empty-row.csv');
    writeFileSync(
      file,
      'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,30,40,50\n2,Female,,,\n',
    );
    const result = await runGmmInProcess(['score', modelPath, file, '--missing', 'em']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `gmm score: ${file}: line 3 has no value in any modelled column ("Age", "Annual Income (k$)", "Spending Score (1-100)")\nhint: fill in at least one of them, or leave the row out (--missing drop)\n`,
    );
  });
});

describe('gmm fit --weights against the rows repeated', () => {
  // The weighted Mall copy with each row written `count` (its last cell) times, and Σ count.
  let file: string;
  let total = 0;
  beforeAll(() => {
    const lines = readFileSync(WEIGHTED, 'utf8').trimEnd().split('\n');
    const expanded = [lines[0]];
    for (const line of lines.slice(1)) {
      const w = Number(line.split(',').at(-1));
      total += w;
      for (let c = 0; c < w; c++) expanded.push(line);
    }
    file = join(dir, 'expanded.csv');
    writeFileSync(file, `${expanded.join('\n')}\n`);
  });
  /** The K=4 fit of income and score, in-process; args name the file and what else to do. */
  const fitFour = async (args: string[]) => {
    const result = await runGmmInProcess([
      'fit',
      ...args,
      '--cols',
      'income,score',
      '-k',
      '4',
      '-q',
    ]);
    expect(result.status).toBe(0);
    return result;
  };

  it('reaches the same optimum: ℓ, BIC with n = Σw, and means', async () => {
    const fit = async (args: string[], name: string) => {
      const out = join(dir, name);
      await fitFour([...args, '--model', out]);
      return JSON.parse(readFileSync(out, 'utf8')) as ModelJson;
    };
    const weighted = await fit([WEIGHTED, '--weights', 'count'], 'weighted.json');
    const repeated = await fit([file], 'repeated.json');
    expect(weighted.fit.nSamples).toBe(total);
    expect(Math.abs(weighted.fit.logLikelihood - repeated.fit.logLikelihood)).toBeLessThan(1e-6);
    expect(Math.abs(weighted.fit.bic - repeated.fit.bic)).toBeLessThan(1e-5);
    weighted.components.forEach((c, k) =>
      c.meanOriginal.forEach((v, j) =>
        // both converged to tol 1e-10 per row: the same optimum to ~1e-6 relative
        expect(Math.abs(v - repeated.components[k].meanOriginal[j])).toBeLessThan(1e-3),
      ),
    );
    // the anomaly thresholds: quantiles of the rows' log densities, each row w times
    weighted.density.logDensityQuantiles.forEach((q, i) =>
      expect(Math.abs(q - repeated.density.logDensityQuantiles[i])).toBeLessThan(1e-4),
    );
  });

  it('describes the segments as the repeated rows: sizes, shares, certainty and profiles weigh each row w times', async () => {
    interface Segment {
      count: number;
      share: number;
      certainty: number;
      profiles: (
        | { kind: 'mean'; value: number }
        | { kind: 'shares'; shares: { category: string; share: number }[] }
      )[];
    }
    const summary = async (args: string[]) => {
      const result = await fitFour([...args, '--profile', 'gender,age', '--format', 'json']);
      return (JSON.parse(result.stdout) as { segments: Segment[] }).segments;
    };
    const weighted = await summary([WEIGHTED, '--weights', 'count']);
    const repeated = await summary([file]);
    expect(weighted).toHaveLength(repeated.length);
    weighted.forEach((segment, k) => {
      const twin = repeated[k];
      // sizes of whole rows: exactly equal; the certainty comes from two runs of EM that
      // reach one optimum to ~1e-6 relative (as the means above), so to 4 decimals
      expect(segment.count).toBe(twin.count);
      expect(segment.share).toBeCloseTo(twin.share, 12);
      expect(segment.certainty).toBeCloseTo(twin.certainty, 4);
      segment.profiles.forEach((profile, p) => {
        const other = twin.profiles[p];
        if (profile.kind === 'mean' && other.kind === 'mean') {
          expect(profile.value).toBeCloseTo(other.value, 9);
        } else if (profile.kind === 'shares' && other.kind === 'shares') {
          expect(profile.shares.map((s) => s.category)).toEqual(
            other.shares.map((s) => s.category),
          );
          profile.shares.forEach((s, c) => expect(s.share).toBeCloseTo(other.shares[c].share, 12));
        } else {
          throw new Error(`profile ${p} of segment ${k + 1} differs in kind`);
        }
      });
    });
  });
});
