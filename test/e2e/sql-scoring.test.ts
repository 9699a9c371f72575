/**
 * gmm sql's scoring query, run in two real engines (DuckDB, SQLite) on the Mall data
 * (four covariance structures) and on data drawn from a known K=8, d=10 mixture: every
 * input column comes back as it went in; the segments are exactly `gmm predict`'s and
 * the anomaly flags exactly `gmm score --anomaly-rate`'s; the probabilities, certainty
 * and log density agree to 1e-9 relative with the membership values predict and score
 * compute (engine/predict.ts on the model's scaling).
 */
import { parse } from 'csv-parse/sync';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictMemberships } from '../../src/engine/predict.js';
import { applyScaler, logScaleJacobian } from '../../src/io/scaling.js';
import { loadModel } from '../../src/pipeline/load-model.js';
import { MALL, runGmmInProcess } from './run-gmm.js';
import {
  duckdbFromCsv,
  duckdbWith,
  readTable,
  relativelyClose,
  runDuckdb,
  runSqlite,
  seededNormals,
  sqliteWith,
  type EngineResult,
  type Table,
} from './sql-engines.js';

const dir = mkdtempSync(join(tmpdir(), 'gmm-sql-'));
const RATE = '0.05';

interface Case {
  readonly name: string;
  readonly csv: string;
  readonly fitArgs: string[];
}

/** 1600 rows from 8 separated Gaussians in 10 dimensions, random full covariances, plus an id. */
function writeGenerated(path: string): void {
  const normal = seededNormals(15);
  const K = 8;
  const d = 10;
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => 6 * normal()));
  const factors = Array.from({ length: K }, () =>
    Array.from({ length: d }, (_, a) =>
      Array.from({ length: d }, (_, b) =>
        b < a ? 0.4 * normal() : b === a ? 0.5 + Math.abs(normal()) : 0,
      ),
    ),
  );
  const lines = [['id', ...Array.from({ length: d }, (_, j) => `x${j + 1}`)].join(',')];
  for (let i = 0; i < 1600; i++) {
    const k = i % K;
    const e = Array.from({ length: d }, () => normal());
    const x = centres[k].map((c, a) => c + factors[k][a].reduce((s, l, b) => s + l * e[b], 0));
    // 1000× and shifted: columns far from unit scale, so the scaling matters.
    lines.push([String(i + 1), ...x.map((v, j) => String(1000 * v + 50 * j))].join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const GENERATED = join(dir, 'k8-d10.csv');
const CASES: Case[] = [
  { name: 'Mall full K=5', csv: MALL, fitArgs: ['--cols', 'income,score', '-k', '5'] },
  {
    name: 'Mall tied K=4',
    csv: MALL,
    fitArgs: ['--cols', 'age,income,score', '-k', '4', '--covariance', 'tied'],
  },
  {
    name: 'Mall diag K=3, robust scaling',
    csv: MALL,
    fitArgs: ['--cols', 'age,income,score', '-k', '3', '--covariance', 'diag', '--scale', 'robust'],
  },
  {
    name: 'Mall spherical K=3, unscaled',
    csv: MALL,
    fitArgs: ['--cols', 'income,score', '-k', '3', '--covariance', 'spherical', '--scale', 'none'],
  },
  {
    name: 'generated full K=8, d=10',
    csv: GENERATED,
    fitArgs: [
      '--cols',
      Array.from({ length: 10 }, (_, j) => `x${j + 1}`).join(','),
      '-k',
      '8',
      '--n-init',
      '8',
    ],
  },
];

interface Expected {
  readonly table: Table;
  readonly K: number;
  readonly segments: number[];
  readonly anomalies: number[];
  /** n×K */
  readonly resp: Float64Array;
  readonly certainty: Float64Array;
  /** Original units. */
  readonly logDensity: number[];
}

const expected = new Map<string, Expected>();
const models = new Map<string, string>();

beforeAll(async () => {
  writeGenerated(GENERATED);
  for (const [index, c] of CASES.entries()) {
    const model = join(dir, `model-${index}.json`);
    // 20 starts: what is compared is the query against predict and score on the same model
    const fit = await runGmmInProcess([
      'fit',
      c.csv,
      ...c.fitArgs,
      '--n-init',
      '20',
      '--model',
      model,
      '-q',
      '--format',
      'json',
    ]);
    expect(fit.status, fit.stderr).toBe(0);
    models.set(c.name, model);
    const predicted = parse((await runGmmInProcess(['predict', model, c.csv])).stdout, {
      columns: true,
    }) as Record<string, string>[];
    const scored = parse(
      (await runGmmInProcess(['score', model, c.csv, '--anomaly-rate', RATE, '-q'])).stdout,
      {
        columns: true,
      },
    ) as Record<string, string>[];
    const { document, parameters } = await loadModel(model);
    const table = readTable(c.csv);
    const indexes = document.columns.map((name) => table.header.indexOf(name));
    const d = indexes.length;
    const values = Float64Array.from(
      table.rows.flatMap((row) => indexes.map((j) => row[j] as number)),
    );
    const memberships = predictMemberships(
      {
        values: applyScaler(values, d, document.scaler),
        nSamples: table.rows.length,
        nFeatures: d,
      },
      parameters,
    );
    const jacobian = logScaleJacobian(document.scaler);
    expected.set(c.name, {
      table,
      K: parameters.nComponents,
      segments: predicted.map((row) => Number(row.segment)),
      anomalies: scored.map((row) => Number(row.anomaly)),
      resp: memberships.resp,
      certainty: memberships.certainty,
      logDensity: Array.from(memberships.logDensity, (v) => v - jacobian),
    });
  }
}, 120_000);

async function sqlFor(name: string, dialect: string): Promise<string> {
  const result = await runGmmInProcess([
    'sql',
    models.get(name)!,
    '--table',
    'customers',
    '--dialect',
    dialect,
    '--anomaly-rate',
    RATE,
  ]);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** The engine's rows against predict's and score's, row by row, in the input's order. */
function expectSameScores(result: EngineResult, want: Expected): void {
  const { table, K } = want;
  const outputs = [
    'segment',
    ...Array.from({ length: K }, (_, k) => `p_${k + 1}`),
    'certainty',
    'log_density',
    'anomaly',
  ];
  expect(result.columns).toEqual([...table.header, ...outputs]);
  expect(result.rows).toHaveLength(table.rows.length);
  let worst = 0;
  result.rows.forEach((row, i) => {
    // every input column as it went in
    table.header.forEach((name, j) => expect(row[name]).toBe(table.rows[i][j]));
    expect(row.segment).toBe(want.segments[i]);
    expect(row.anomaly).toBe(want.anomalies[i]);
    const pairs: [number, number][] = [
      [row.certainty as number, want.certainty[i]],
      [row.log_density as number, want.logDensity[i]],
      ...Array.from({ length: K }, (_, k): [number, number] => [
        row[`p_${k + 1}`] as number,
        want.resp[i * K + k],
      ]),
    ];
    for (const [got, reference] of pairs) {
      if (!relativelyClose(got, reference, 1e-9)) {
        throw new Error(`row ${i + 1}: ${got} vs ${reference}`);
      }
      if (reference !== 0) worst = Math.max(worst, Math.abs(got - reference) / Math.abs(reference));
    }
  });
  // the comparison ran on real differences, far inside the tolerance
  expect(worst).toBeLessThan(1e-9);
}

describe('gmm sql in DuckDB', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const want = expected.get(c.name)!;
      // The Mall data as DuckDB's own CSV reader types it (BIGINT columns); the generated as DOUBLE.
      const connection =
        c.csv === MALL
          ? await duckdbFromCsv('customers', c.csv)
          : await duckdbWith('customers', want.table);
      expectSameScores(await runDuckdb(connection, await sqlFor(c.name, 'duckdb')), want);
    });
  }
});

describe('gmm sql in SQLite', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const want = expected.get(c.name)!;
      const db = sqliteWith('customers', want.table);
      expectSameScores(runSqlite(db, await sqlFor(c.name, 'sqlite')), want);
    });
  }
});
