/**
 * gmm sql --em-step in DuckDB: the sums it aggregates are those of gmm's E-step, and
 * the M-step on them gives the parameters of one gmm EM iteration (E-step, then M-step,
 * as engine/em.ts takes a plain step) to 1e-9, for models stopped mid-EM (--max-iter 3)
 * on the Mall data (four structures) and on K=8, d=10 generated data.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createResponsibilitySums,
  expectationStep,
  type ResponsibilitySums,
} from '../../src/engine/e-step.js';
import { parametersFromSums } from '../../src/engine/m-step.js';
import { computePrecisionFactors } from '../../src/engine/precision.js';
import type { MixtureParameters } from '../../src/engine/types.js';
import { applyScaler } from '../../src/io/scaling.js';
import { loadModel } from '../../src/pipeline/load-model.js';
import { MALL, runGmmInProcess } from './run-gmm.js';
import {
  duckdbWith,
  readTable,
  relativelyClose,
  runDuckdb,
  seededNormals,
  type Row,
} from './sql-engines.js';

const dir = mkdtempSync(join(tmpdir(), 'gmm-sql-em-'));

/** 800 rows from 8 Gaussians in 10 dimensions (unit covariances, overlapping means, so EM moves slowly). */
function writeGenerated(path: string): void {
  const normal = seededNormals(16);
  const centres = Array.from({ length: 8 }, () => Array.from({ length: 10 }, () => 1.2 * normal()));
  const lines = [Array.from({ length: 10 }, (_, j) => `x${j + 1}`).join(',')];
  for (let i = 0; i < 800; i++) {
    lines.push(centres[i % 8].map((c) => String(c + normal())).join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const CASES: [string, string, string[]][] = [
  ['Mall full K=5', MALL, ['--cols', 'income,score', '-k', '5']],
  ['Mall tied K=3', MALL, ['--cols', 'age,income,score', '-k', '3', '--covariance', 'tied']],
  ['Mall diag K=4', MALL, ['--cols', 'age,income,score', '-k', '4', '--covariance', 'diag']],
  ['Mall spherical K=3', MALL, ['--cols', 'income,score', '-k', '3', '--covariance', 'spherical']],
  ['generated full K=8, d=10', 'generated', ['-k', '8']],
];

/** The SQL row as the engine's ResponsibilitySums: scatter around the model's means, per component. */
function sumsOfRow(row: Row, parameters: MixtureParameters): ResponsibilitySums {
  const { nComponents: K, nFeatures: d } = parameters;
  const sums = createResponsibilitySums(K, d);
  for (let k = 0; k < K; k++) {
    sums.nk[k] = row[`n_${k + 1}`] as number;
    for (let a = 0; a < d; a++) {
      sums.weightedSums[k * d + a] = row[`sum_${k + 1}_${a + 1}`] as number;
      for (let b = a; b < d; b++) {
        const value = row[`scatter_${k + 1}_${a + 1}_${b + 1}`];
        if (value !== undefined) sums.scatter[k * d * d + a * d + b] = value as number;
      }
    }
  }
  sums.centers = parameters.means;
  sums.pooled = false;
  return sums;
}

/** Entry by entry to 1e-9 of the larger, a covariance entry to 1e-9 of √(ΣaaΣbb). */
function expectSameParameters(got: MixtureParameters, want: MixtureParameters): void {
  const { nComponents: K, nFeatures: d } = want;
  for (let k = 0; k < K; k++) {
    expect(relativelyClose(got.weights[k], want.weights[k], 1e-9)).toBe(true);
    for (let a = 0; a < d; a++) {
      const diagonal = (p: MixtureParameters, j: number) => p.covariances[k * d * d + j * d + j];
      // means in scaled units sit near 0: relative to the component's spread
      const spread = Math.sqrt(diagonal(want, a));
      expect(Math.abs(got.means[k * d + a] - want.means[k * d + a])).toBeLessThanOrEqual(
        1e-9 * spread,
      );
      for (let b = 0; b < d; b++) {
        const e = k * d * d + a * d + b;
        const scale = Math.sqrt(diagonal(want, a) * diagonal(want, b));
        expect(Math.abs(got.covariances[e] - want.covariances[e])).toBeLessThanOrEqual(
          1e-9 * scale,
        );
      }
    }
  }
}

describe('gmm sql --em-step in DuckDB', () => {
  CASES.forEach(([name, source, fitArgs], index) => {
    it(name, async () => {
      const csv = source === 'generated' ? join(dir, `generated-${index}.csv`) : source;
      if (source === 'generated') writeGenerated(csv);
      const model = join(dir, `model-${index}.json`);
      // three EM steps per start: parameters mid-EM, so an iteration moves them
      const fit = await runGmmInProcess([
        'fit',
        csv,
        ...fitArgs,
        '--max-iter',
        '3',
        '--n-init',
        '4',
        '--model',
        model,
        '-q',
      ]);
      expect(fit.status, fit.stderr).toBe(0);
      const { document, parameters } = await loadModel(model);
      const table = readTable(csv);
      const K = parameters.nComponents;
      const d = parameters.nFeatures;

      // gmm's plain EM iteration, in-process
      const indexes = document.columns.map((column) => table.header.indexOf(column));
      const values = Float64Array.from(
        table.rows.flatMap((row) => indexes.map((j) => row[j] as number)),
      );
      const data = {
        values: applyScaler(values, d, document.scaler),
        nSamples: table.rows.length,
        nFeatures: d,
      };
      const engineSums = createResponsibilitySums(K, d);
      const logLikelihood = expectationStep(
        data,
        computePrecisionFactors(parameters),
        null,
        engineSums,
      );
      const engineNext = parametersFromSums(
        engineSums,
        K,
        d,
        parameters.covarianceType,
        document.fit.regCovar,
      );

      // the same iteration through SQL
      const query = await runGmmInProcess(['sql', model, '--table', 'customers', '--em-step']);
      expect(query.status, query.stderr).toBe(0);
      const connection = await duckdbWith('customers', table);
      const { rows } = await runDuckdb(connection, query.stdout);
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row.n_rows).toBe(table.rows.length);
      expect(relativelyClose(row.log_likelihood as number, logLikelihood, 1e-9)).toBe(true);
      const sqlSums = sumsOfRow(row, parameters);
      for (let k = 0; k < K; k++) {
        expect(relativelyClose(sqlSums.nk[k], engineSums.nk[k], 1e-9)).toBe(true);
      }
      if (parameters.covarianceType !== 'tied') {
        // same centres (the model's means), so the scatter itself compares
        for (let e = 0; e < K * d * d; e++) {
          const k = Math.floor(e / (d * d));
          const a = Math.floor((e % (d * d)) / d);
          const b = e % d;
          const scale = Math.sqrt(
            engineSums.scatter[k * d * d + a * d + a] * engineSums.scatter[k * d * d + b * d + b],
          );
          if (b < a) continue;
          expect(Math.abs(sqlSums.scatter[e] - engineSums.scatter[e])).toBeLessThanOrEqual(
            1e-9 * (scale || 1),
          );
        }
      }
      const sqlNext = parametersFromSums(
        sqlSums,
        K,
        d,
        parameters.covarianceType,
        document.fit.regCovar,
      );
      expectSameParameters(sqlNext, engineNext);
      // and the iteration did move the parameters (the comparison is not of a fixed point)
      const moved = engineNext.means.some((m, e) => Math.abs(m - parameters.means[e]) > 1e-6);
      expect(moved).toBe(true);
    });
  });
});
