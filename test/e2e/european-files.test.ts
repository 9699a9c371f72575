/**
 * Files as a European Excel exports them, through the built binary: Windows-1252 with
 * `;` and the decimal comma, and UTF-16LE "Unicode text" (tabs, a byte-order mark),
 * give the model the same rows give as a UTF-8 CSV with decimal points
 * (fixtures/encodings/, written by Python from the same numbers); the labelled CSV keeps
 * each input cell as decoded, in UTF-8; errors name the right line.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runGmmInProcess } from './run-gmm.js';

const FIXTURES = join(ROOT, 'fixtures', 'encodings');
const dir = mkdtempSync(join(tmpdir(), 'gmm-european-'));
const FIT = ['--cols', '4,5', '-k', '3', '-q'];

interface Model {
  columns: string[];
  components: unknown[];
  fit: { logLikelihood: number };
}

async function fitModel(file: string, extra: string[], name: string): Promise<Model> {
  const path = join(dir, name);
  // 20 starts: the files' models are compared with each other, not with an optimum
  const result = await runGmmInProcess([
    'fit',
    join(FIXTURES, file),
    ...FIT,
    ...extra,
    '--n-init',
    '20',
    '--model',
    path,
  ]);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(readFileSync(path, 'utf8')) as Model;
}

describe('European exports', async () => {
  const reference = await fitModel('mall-de-utf8-dot.csv', [], 'dot.json');
  const referenceLines = readFileSync(join(FIXTURES, 'mall-de-utf8-dot.csv'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replaceAll(',', ';').replaceAll('.', ','));

  it('Windows-1252 with the decimal comma fits as the UTF-8 file does', async () => {
    const model = await fitModel(
      'mall-de-windows-1252.csv',
      ['--decimal', ',', '--encoding', 'windows-1252'],
      'w.json',
    );
    expect(model.columns).toEqual(['Einkommen (k€)', 'Ausgaben-Score']);
    expect(model.components).toEqual(reference.components);
    expect(model.fit.logLikelihood).toBe(reference.fit.logLikelihood);
  });

  it('UTF-16LE (tabs, BOM) fits as the UTF-8 file does', async () => {
    const model = await fitModel(
      'mall-de-utf16le.csv',
      ['--decimal', ',', '--encoding', 'utf-16le'],
      'u.json',
    );
    expect(model.components).toEqual(reference.components);
  });

  it('the labelled CSV keeps every input cell, written in UTF-8; predict reproduces it', async () => {
    const input = join(FIXTURES, 'mall-de-windows-1252.csv');
    const options = ['--decimal', ',', '--encoding', 'windows-1252'];
    const model = join(dir, 'labelled-model.json');
    const fitted = await runGmmInProcess([
      'fit',
      input,
      ...FIT,
      ...options,
      '--labels',
      '-',
      '--model',
      model,
    ]);
    expect(fitted.status, fitted.stderr).toBe(0);
    const lines = fitted.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(201);
    lines.forEach((line, i) => {
      const cells = line.split(';');
      expect(cells.slice(0, 5).join(';')).toBe(referenceLines[i]);
    });
    expect(lines[0]).toBe(
      'Kunde;Geschlecht;Alter;Einkommen (k€);Ausgaben-Score;segment;p_1;p_2;p_3;certainty',
    );
    const predicted = await runGmmInProcess(['predict', model, input, ...options]);
    expect(predicted.stdout).toBe(fitted.stdout);
  });

  it('names the line of a thousands separator, and suggests --encoding for Windows-1252 read as UTF-8', async () => {
    const bad = join(FIXTURES, 'bad-thousands-windows-1252.csv');
    const result = await runGmmInProcess([
      'fit',
      bad,
      ...FIT,
      '--decimal',
      ',',
      '--encoding',
      'latin1',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `gmm fit: ${bad}: line 7, column "Einkommen (k€)" (4): "1.234,5" is not a number\n` +
        'hint: remove the thousands separators (1234,5, not 1.234,5)\n',
    );
    const undeclared = await runGmmInProcess(['fit', bad, ...FIT, '--decimal', ',']);
    expect(undeclared.status).toBe(1);
    expect(undeclared.stderr).toMatch(
      /line 1: is not valid UTF-8\nhint: give its encoding, e\.g\. --encoding latin1/,
    );
  });
});
