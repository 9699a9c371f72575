/** gmm sql's command line: what it refuses (exit 2, one line and a hint) and --out. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MALL, runGmm } from './run-gmm.js';

const dir = mkdtempSync(join(tmpdir(), 'gmm-sql-cli-'));
const MODEL = join(dir, 'model.json');

beforeAll(() => {
  const fit = runGmm(['fit', MALL, '--cols', 'income,score', '-k', '2', '--model', MODEL, '-q']);
  expect(fit.status, fit.stderr).toBe(0);
});

describe('gmm sql usage', () => {
  it('needs --table', () => {
    const result = runGmm(['sql', MODEL]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--table/);
    expect(result.stdout).toBe('');
  });

  it('refuses an unknown dialect, naming the known ones', () => {
    const result = runGmm(['sql', MODEL, '--table', 't', '--dialect', 'oracle']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/duckdb/);
  });

  it('refuses --anomaly-rate with --em-step, and a rate outside (0, 1)', () => {
    expect(
      runGmm(['sql', MODEL, '--table', 't', '--em-step', '--anomaly-rate', '0.1']).status,
    ).toBe(2);
    expect(runGmm(['sql', MODEL, '--table', 't', '--anomaly-rate', '1.5']).status).toBe(2);
  });

  it('refuses an empty part of a qualified table name', () => {
    const result = runGmm(['sql', MODEL, '--table', 'a..b']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/empty part/);
  });

  it('writes the query to --out, the same text as on stdout', () => {
    const out = join(dir, 'q.sql');
    const written = runGmm(['sql', MODEL, '--table', 'customers', '--out', out]);
    expect(written.status, written.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(runGmm(['sql', MODEL, '--table', 'customers']).stdout);
    expect(written.stderr).toBe(`gmm sql: note: wrote ${out}\n`);
  });
});
