import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MALL, runGmmInProcess, type RunResult } from './run-gmm.js';

const dir = mkdtempSync(join(tmpdir(), 'gmm-model-'));
const MODEL = join(dir, 'model.json');
const LABELS = join(dir, 'fit.csv');

interface Component {
  weight: number;
  meanOriginal: number[];
  covarianceOriginal: number[][];
}

let fitted: RunResult;
beforeAll(async () => {
  fitted = await runGmmInProcess([
    'fit',
    MALL,
    '--cols',
    'income,score',
    '-k',
    '5',
    '--model',
    MODEL,
    '--labels',
    LABELS,
  ]);
});

/** Textbook mixture density in original units, from the model file's original-unit parameters. */
function naiveLogDensity(components: Component[], x: number[]): number {
  let density = 0;
  for (const { weight, meanOriginal: m, covarianceOriginal: s } of components) {
    const det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
    const inv = [
      [s[1][1] / det, -s[0][1] / det],
      [-s[1][0] / det, s[0][0] / det],
    ];
    const d = [x[0] - m[0], x[1] - m[1]];
    const q =
      d[0] * (inv[0][0] * d[0] + inv[0][1] * d[1]) + d[1] * (inv[1][0] * d[0] + inv[1][1] * d[1]);
    density += (weight * Math.exp(-q / 2)) / (2 * Math.PI * Math.sqrt(det));
  }
  return Math.log(density);
}

describe('predict, score and sample from a fitted model', () => {
  it('fit wrote the model', () => {
    expect(fitted.status).toBe(0);
  });

  it('predict on the training file reproduces fit’s labelled CSV byte for byte', async () => {
    const predicted = await runGmmInProcess(['predict', MODEL, MALL]);
    expect(predicted.status).toBe(0);
    expect(predicted.stdout).toBe(readFileSync(LABELS, 'utf8'));
    expect(predicted.stderr).toBe('gmm predict: note: 200 rows assigned to 5 segments\n');
  });

  it('predict reads piped stdin, finds columns by name in any order, and writes --labels', async () => {
    const lines = readFileSync(MALL, 'utf8').trim().split('\n');
    const reordered = lines.map((line) => {
      const [id, gender, age, income, score] = line.split(',');
      return [score, id, income, gender, age].join(';');
    });
    const out = join(dir, 'reordered.csv');
    const result = await runGmmInProcess(
      ['predict', MODEL, '--labels', out],
      `${reordered.join('\n')}\n`,
    );
    expect(result.status).toBe(0);
    const original = readFileSync(LABELS, 'utf8').trim().split('\n').slice(1);
    const mine = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    mine.forEach((line, i) =>
      expect(line.split(';').slice(5).join(',')).toBe(original[i].split(',').slice(5).join(',')),
    );
  });

  it('score: log_density is the mixture density in original units, by a naive formula', async () => {
    const model = JSON.parse(readFileSync(MODEL, 'utf8')) as { components: Component[] };
    const result = await runGmmInProcess(['score', MODEL, MALL]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100),log_density',
    );
    let total = 0;
    for (const line of lines.slice(1)) {
      const fields = line.split(',');
      const expected = naiveLogDensity(model.components, [Number(fields[3]), Number(fields[4])]);
      expect(Number(fields[5])).toBeCloseTo(expected, 6);
      total += Number(fields[5]);
    }
    // The sum is ℓ on the original scale, as gmm fit reported it.
    expect(total).toBeCloseTo(-1755.3443, 2);
  });

  it('score --anomaly-rate q flags about q of the training rows, and says how many', async () => {
    const result = await runGmmInProcess(['score', MODEL, MALL, '--anomaly-rate', '0.05']);
    expect(result.status).toBe(0);
    const flags = result.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',').at(-1)));
    const flagged = flags.filter((f) => f === 1).length;
    expect(flagged).toBeGreaterThanOrEqual(9);
    expect(flagged).toBeLessThanOrEqual(11);
    expect(result.stderr).toMatch(
      new RegExp(
        `${flagged} rows flagged as anomalies \\(log density < -[\\d.]+, rarer than 5% of the training rows\\)`,
      ),
    );
  });

  it('sample is deterministic per seed, and 50,000 draws refit to the model', async () => {
    const a = await runGmmInProcess(['sample', MODEL, '-n', '1000', '--seed', '3']);
    const b = await runGmmInProcess(['sample', MODEL, '-n', '1000', '--seed', '3']);
    const c = await runGmmInProcess(['sample', MODEL, '-n', '1000', '--seed', '4']);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    expect(a.stdout.split('\n')[0]).toBe('Annual Income (k$),Spending Score (1-100),segment');

    const synthetic = join(dir, 'synthetic.csv');
    expect(
      (await runGmmInProcess(['sample', MODEL, '-n', '50000', '--seed', '1', '--out', synthetic]))
        .status,
    ).toBe(0);
    const refit = await runGmmInProcess(['fit', synthetic, '-k', '5', '--model', '-', '-q']);
    expect(refit.status).toBe(0);
    const original = JSON.parse(readFileSync(MODEL, 'utf8')) as { components: Component[] };
    const again = JSON.parse(refit.stdout) as { columns: string[]; components: Component[] };
    expect(again.columns).toEqual(['Annual Income (k$)', 'Spending Score (1-100)']); // segment left out
    const ranges = [137 - 15, 99 - 1];
    for (const component of original.components) {
      const nearest = again.components.reduce((best, c) =>
        Math.hypot(
          c.meanOriginal[0] - component.meanOriginal[0],
          c.meanOriginal[1] - component.meanOriginal[1],
        ) <
        Math.hypot(
          best.meanOriginal[0] - component.meanOriginal[0],
          best.meanOriginal[1] - component.meanOriginal[1],
        )
          ? c
          : best,
      );
      expect(Math.abs(nearest.weight - component.weight)).toBeLessThan(0.01);
      nearest.meanOriginal.forEach((m, j) =>
        expect(Math.abs(m - component.meanOriginal[j])).toBeLessThan(0.02 * ranges[j]),
      );
    }
  });
});

describe('hostile models and inputs: one line, exit 1', () => {
  const model = () =>
    JSON.parse(readFileSync(MODEL, 'utf8')) as {
      components: { weight: number; covariance: number[][] }[];
    };
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    [
      'truncated JSON',
      () => write('truncated.json', readFileSync(MODEL, 'utf8').slice(0, 300)),
      /: is not valid JSON \(/,
    ],
    [
      'a newer version',
      () => write('v3.json', JSON.stringify({ ...model(), version: 3 })),
      /: version is 3: the model was written by a newer gmm/,
    ],
    [
      'a non-positive-definite covariance',
      () => {
        const m = model();
        m.components[2].covariance = [
          [1, 2],
          [2, 1],
        ];
        return write('npd.json', JSON.stringify(m));
      },
      /: components\[2\]\.covariance is not positive definite$/m,
    ],
    [
      'weights summing to 0.7',
      () => {
        const m = model();
        m.components[0].weight -= 0.3;
        return write('weights.json', JSON.stringify(m));
      },
      /: components have weights summing to 0\.7\d*, not 1/,
    ],
  ])('%s', async (_, make, message) => {
    const path = make();
    for (const args of [
      ['predict', path, MALL],
      ['score', path, MALL],
      ['sample', path, '-n', '5'],
    ]) {
      const result = await runGmmInProcess(args);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(2); // the problem and a hint
    }
  });

  it('a missing model column lists the columns there are', async () => {
    const result = await runGmmInProcess(['predict', MODEL, '-'], 'a,b\n1,2\n');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'gmm predict: stdin: has no column "Annual Income (k$)", which the model was fitted on\nhint: the columns are: 1 "a", 2 "b"\n',
    );
  });

  it('a bad value after the first batch was written leaves the old --labels file as it was', async () => {
    const [header, ...body] = readFileSync(MALL, 'utf8').trim().split('\n');
    const rows = Array.from({ length: 30 }, () => body).flat(); // 6000 rows: two batches
    rows[4999] = rows[4999].replace(/,(\d+)$/, ',oops');
    writeFileSync(join(dir, 'bad.csv'), `${[header, ...rows].join('\n')}\n`);
    const outDir = join(dir, 'partial');
    expect(
      (await runGmmInProcess(['fit', MALL, '-k', '1', '--out-dir', outDir, '-q'])).status,
    ).toBe(0);
    const before = readFileSync(join(outDir, 'segments.csv'), 'utf8');
    const result = await runGmmInProcess([
      'predict',
      MODEL,
      join(dir, 'bad.csv'),
      '--labels',
      join(outDir, 'segments.csv'),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /line 5001, column "Spending Score \(1-100\)" \(5\): "oops" is not a number/,
    );
    expect(readFileSync(join(outDir, 'segments.csv'), 'utf8')).toBe(before);
    expect(readdirSync(outDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
