/** gmm sql's command line: what it refuses (exit 2, one line and a hint) and --out. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MALL, runGmmInProcess } from './run-gmm.js';

const dir = mkdtempSync(join(tmpdir(), 'gmm-sql-cli-'));
const MODEL = join(dir, 'model.json');

beforeAll(async () => {
  const fit = await runGmmInProcess([
    'fit',
    MALL,
    '--cols',
    'income,score',
    '-k',
    '2',
    '--model',
    MODEL,
    '-q',
  ]);
  expect(fit.status, fit.stderr).toBe(0);
});

describe('gmm sql usage', () => {
  it('needs --table', async () => {
    const result = await runGmmInProcess(['sql', MODEL]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--table/);
    expect(result.stdout).toBe('');
  });

  it('refuses an unknown dialect, naming the known ones', async () => {
    const result = await runGmmInProcess(['sql', MODEL, '--table', 't', '--dialect', 'oracle']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/duckdb/);
  });

  it('refuses --anomaly-rate with --em-step, and a rate outside (0, 1)', async () => {
    expect(
      (await runGmmInProcess(['sql', MODEL, '--table', 't', '--em-step', '--anomaly-rate', '0.1']))
        .status,
    ).toBe(2);
    expect(
      (await runGmmInProcess(['sql', MODEL, '--table', 't', '--anomaly-rate', '1.5'])).status,
    ).toBe(2);
  });

  it('refuses an empty part of a qualified table name', async () => {
    const result = await runGmmInProcess(['sql', MODEL, '--table', 'a..b']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/empty part/);
  });

  it('writes the query to --out, the same text as on stdout', async () => {
    const out = join(dir, 'q.sql');
    const written = await runGmmInProcess(['sql', MODEL, '--table', 'customers', '--out', out]);
    expect(written.status, written.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      (await runGmmInProcess(['sql', MODEL, '--table', 'customers'])).stdout,
    );
    expect(written.stderr).toBe(`gmm sql: note: wrote ${out}\n`);
  });
});
