/**
 * --decimal , and --encoding: numbers with a decimal comma (hand-written values), text
 * decoded from Windows-1252 and UTF-16LE as it streams, cut anywhere between chunks
 * (fixtures/encodings/, written by Python's own encoders), and the line numbers of errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCsv } from '../../src/io/csv-reader.js';
import { explainNotANumber, parseNumberBytes, parseNumberCell } from '../../src/io/parse-number.js';
import { COMMA } from '../../src/io/ascii.js';
import { decodeToUtf8, type InputEncoding } from '../../src/io/transcode.js';
import { ROOT } from '../e2e/run-gmm.js';

const FIXTURES = join(ROOT, 'fixtures', 'encodings');

describe('the decimal comma', () => {
  it('reads 15,5 as 15.5, and refuses a dot', () => {
    expect(parseNumberCell('15,5', ',')).toBe(15.5);
    expect(parseNumberCell(' -0,25 ', ',')).toBe(-0.25);
    expect(parseNumberCell('1,5e3', ',')).toBe(1500);
    expect(parseNumberCell('42', ',')).toBe(42);
    expect(parseNumberCell('1.5', ',')).toBeNaN();
    expect(parseNumberCell('1.234,5', ',')).toBeNaN();
    expect(parseNumberCell('1,2,3', ',')).toBeNaN();
    // the default is unchanged
    expect(parseNumberCell('15,5')).toBeNaN();
  });

  it('reads the bytes the same way, long numbers included', () => {
    const bytes = (text: string) => new Uint8Array(Buffer.from(text));
    for (const [text, value] of [
      ['15,5', 15.5],
      ['0,1', 0.1],
      ['3,14159265358979323846', 3.141592653589793],
    ] as const) {
      expect(parseNumberBytes(bytes(text), 0, text.length, COMMA)).toBe(value);
    }
    expect(parseNumberBytes(bytes('1.5'), 0, 3, COMMA)).toBeNaN();
  });

  it('explains a dot or a thousands separator under --decimal ,', () => {
    expect(explainNotANumber('1.5', ',').hint).toMatch(/decimal comma/);
    expect(explainNotANumber('1.234,5', ',').hint).toMatch(/thousands separators/);
    expect(explainNotANumber('15,5').hint).toMatch(/--decimal ,/);
  });
});

/** Decodes `bytes` cut into chunks at every `step` bytes. */
async function decodeInChunks(
  bytes: Buffer,
  encoding: InputEncoding,
  step: number,
): Promise<string> {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += step) yield new Uint8Array(bytes.subarray(i, i + step));
  }
  const out: Buffer[] = [];
  for await (const chunk of decodeToUtf8(chunks(), encoding, 'test')) out.push(Buffer.from(chunk));
  return Buffer.concat(out).toString('utf8');
}

describe('decodeToUtf8', () => {
  // The UTF-8 reference: the same rows as the encoded files, with , → ; and . → , (see README).
  const reference = readFileSync(join(FIXTURES, 'mall-de-utf8-dot.csv'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replaceAll(',', ';').replaceAll('.', ','));

  it('Windows-1252, in chunks of any size', async () => {
    const bytes = readFileSync(join(FIXTURES, 'mall-de-windows-1252.csv'));
    for (const step of [1, 7, 4096]) {
      const text = await decodeInChunks(bytes, 'windows-1252', step);
      expect(text.split('\r\n').slice(0, -1)).toEqual(reference);
    }
    // € is 0x80 there: latin1 is read as windows-1252, as TextDecoder labels it
    expect(await decodeInChunks(Buffer.from([0x80, 0xe4]), 'latin1', 1)).toBe('€ä');
  });

  it('UTF-16LE with a byte-order mark, cut between the bytes of a character', async () => {
    const bytes = readFileSync(join(FIXTURES, 'mall-de-utf16le.csv'));
    for (const step of [1, 3, 4097]) {
      const text = await decodeInChunks(bytes, 'utf-16le', step);
      expect(text.split('\r\n').slice(0, -1)).toEqual(
        reference.map((l) => l.replaceAll(';', '\t')),
      );
    }
  });

  it('names the line of an odd byte at the end of UTF-16LE', async () => {
    const bytes = readFileSync(join(FIXTURES, 'mall-de-utf16le.csv'));
    // cut one byte into the last row's first character: line 201 (header + 200 rows)
    const lastRowStart = bytes.length - 2 * ('200;Männlich;30;137,0;83,0'.length + 2);
    await expect(
      decodeInChunks(bytes.subarray(0, lastRowStart + 1), 'utf-16le', 1000),
    ).rejects.toThrow('test: line 201: is not valid UTF-16LE text');
  });
});

describe('openCsv with --decimal , and --encoding', () => {
  it('reads the header and numbers of a Windows-1252 European export', async () => {
    const reader = await openCsv(join(FIXTURES, 'mall-de-windows-1252.csv'), {
      decimal: ',',
      encoding: 'windows-1252',
    });
    expect(reader.delimiter).toBe(';');
    expect(reader.header).toEqual([
      'Kunde',
      'Geschlecht',
      'Alter',
      'Einkommen (k€)',
      'Ausgaben-Score',
    ]);
    const numbers: number[] = [];
    await reader.readRows((record, row) => {
      if (row < 2) numbers.push(record.numbers[3], record.numbers[4]);
    });
    expect(numbers).toEqual([15.25, 39.5, 15.5, 81]);
  });

  it('refuses --decimal , on a comma-delimited file (a usage error)', async () => {
    await expect(
      openCsv(join(FIXTURES, 'mall-de-utf8-dot.csv'), { decimal: ',' }),
    ).rejects.toMatchObject({ kind: 'usage' });
  });
});
