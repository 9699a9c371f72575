import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCsvField, formatProbability } from '../../src/io/csv-format.js';
import { labelledCsvHeader, labelledCsvRows } from '../../src/io/labelled-csv.js';
import { checkOutputPaths, writeFileAtomic } from '../../src/io/write-output.js';

describe('CSV formatting', () => {
  it('quotes only what needs it (RFC 4180)', () => {
    expect(formatCsvField('plain', ',')).toBe('plain');
    expect(formatCsvField('a,b', ',')).toBe('"a,b"');
    expect(formatCsvField('a;b', ',')).toBe('a;b');
    expect(formatCsvField('say "x"', ',')).toBe('"say ""x"""');
    expect(formatCsvField('two\nlines', ',')).toBe('"two\nlines"');
  });

  it('writes probabilities with 6 decimals at most', () => {
    expect(formatProbability(1)).toBe('1');
    expect(formatProbability(0.25)).toBe('0.25');
    expect(formatProbability(0.1234567)).toBe('0.123457');
    expect(formatProbability(1e-9)).toBe('0');
  });

  it('labels rows: input lines verbatim, then segment, p_k, certainty', () => {
    const header = labelledCsvHeader('name,"x"', 2, ',');
    const rows = labelledCsvRows(
      ['"a, inc",1', 'b,2'],
      {
        resp: Float64Array.from([0.9, 0.1, 0.2, 0.8]),
        labels: Int32Array.from([0, 1]),
        certainty: Float64Array.from([0.9, 0.8]),
      },
      2,
      ',',
    );
    expect(header + rows).toBe(
      'name,"x",segment,p_1,p_2,certainty\n"a, inc",1,1,0.9,0.1,0.9\nb,2,2,0.2,0.8,0.8\n',
    );
  });
});

describe('output files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmm-io-'));

  it('writes atomically and leaves no temporary file', () => {
    const path = join(dir, 'out.csv');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('fails cleanly in a missing directory, keeping nothing', () => {
    expect(() => writeFileAtomic(join(dir, 'nope', 'x.csv'), 'x')).toThrow(
      expect.objectContaining({ kind: 'data' }),
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to overwrite the input, also through ./ and a symlink', () => {
    const input = join(dir, 'input.csv');
    writeFileSync(input, 'a\n1\n');
    symlinkSync(input, join(dir, 'link.csv'));
    const refuse = (path: string) => () => checkOutputPaths(new Map([['--labels', path]]), input);
    expect(refuse(input)).toThrow(/is the input file/);
    expect(refuse(join(dir, '.', 'input.csv'))).toThrow(/is the input file/);
    expect(refuse(join(dir, 'link.csv'))).toThrow(/is the input file/);
    expect(() =>
      checkOutputPaths(new Map([['--labels', join(dir, 'other.csv')]]), input),
    ).not.toThrow();
  });

  it('refuses two outputs to the same file', () => {
    const outputs = new Map([
      ['--labels', join(dir, 'same')],
      ['--model', join(dir, 'same')],
    ]);
    expect(() => checkOutputPaths(outputs, undefined)).toThrow('--labels and --model both write');
  });
});

describe('formatProbability', () => {
  /** The definition: toFixed(6), then the shortest form of that number. */
  const byDefinition = (p: number) => String(Number(p.toFixed(6)));

  it('equals String(Number(p.toFixed(6))) on [0, 1], ties and near-ties included', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => {
        expect(formatProbability(p)).toBe(byDefinition(p));
      }),
      { numRuns: 20_000 },
    );
    // Exact ties (m/128, odd m) and their neighbours one ulp away.
    for (let m = 1; m < 128; m += 2) {
      for (const p of [m / 128, m / 128 + Number.EPSILON / 8, m / 128 - Number.EPSILON / 8]) {
        expect(formatProbability(p)).toBe(byDefinition(p));
      }
    }
    for (let k = 0; k <= 1_000_000; k += 997) {
      const p = k / 1e6;
      expect(formatProbability(p)).toBe(byDefinition(p));
      expect(formatProbability(p + 5e-7)).toBe(byDefinition(p + 5e-7));
    }
    for (const p of [0, -0, 1, 1e-300, 4.9999999e-7, 5e-7, 0.9999995, 0.99999949]) {
      expect(formatProbability(p)).toBe(byDefinition(p));
    }
  });
});
