import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/io/data-error.js';
import { decodeText, detectDelimiter, parseCsv } from '../../src/io/parse-csv.js';

function parseBytes(text: string | Buffer) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return parseCsv(decodeText(bytes, 'data.csv'), 'data.csv');
}

function failure(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseCsv', () => {
  it('reads a header and rows as arrays of strings, with line numbers', () => {
    const table = parseBytes('a,b\n1,2\n3,4\n');
    expect(table.header).toEqual(['a', 'b']);
    expect(table.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(Array.from(table.lineNumbers)).toEqual([2, 3]);
    expect(table.delimiter).toBe(',');
  });

  it('drops a UTF-8 byte-order mark and accepts CRLF line ends', () => {
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('x,y\r\n1,2\r\n3,4\r\n'),
    ]);
    const table = parseBytes(bom);
    expect(table.header).toEqual(['x', 'y']);
    expect(table.rows[1]).toEqual(['3', '4']);
  });

  it('keeps quoted headers holding commas and quotes', () => {
    const table = parseBytes('"Income, annual","say ""hi""",z\n1,2,3\n');
    expect(table.header).toEqual(['Income, annual', 'say "hi"', 'z']);
  });

  it('detects ; and tab delimiters from the header line', () => {
    expect(parseBytes('a;b;c\n1;2;3\n').rows[0]).toEqual(['1', '2', '3']);
    expect(parseBytes('a\tb\n1\t2\n').rows[0]).toEqual(['1', '2']);
    expect(detectDelimiter('"a;b",c\n')).toBe(',');
    expect(detectDelimiter('single\n1\n')).toBe(',');
  });

  it('treats __proto__ and constructor as ordinary header names', () => {
    const table = parseBytes('__proto__,constructor\n1,2\n');
    expect(table.header).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(table.rows[0])).toBe(Array.prototype);
    expect(table.rows[0]).toEqual(['1', '2']);
  });

  it('keeps empty cells as empty strings and skips blank lines with correct line numbers', () => {
    const table = parseBytes('a,b\n1,\n\n,4\n');
    expect(table.rows).toEqual([
      ['1', ''],
      ['', '4'],
    ]);
    expect(Array.from(table.lineNumbers)).toEqual([2, 4]);
  });

  it('names the line of a ragged row', () => {
    const error = failure(() => parseBytes('a,b\n1,2\n3,4,5\n'));
    expect(error.message).toBe('data.csv: line 3: has 3 fields, but the header has 2');
    expect(error.hint).toMatch(/quote/);
    expect(failure(() => parseBytes('a,b\n1\n')).message).toBe(
      'data.csv: line 2: has 1 fields, but the header has 2',
    );
  });

  it('explains an unterminated quote', () => {
    const error = failure(() => parseBytes('a,b\n1,"2\n3,4\n'));
    expect(error.message).toMatch(/^data\.csv: line \d+: a quoted field is never closed$/);
  });

  it('refuses empty files, header-only files, NUL bytes and invalid UTF-8', () => {
    expect(failure(() => parseBytes('')).message).toBe('data.csv: is empty');
    expect(failure(() => parseBytes('a,b\n')).message).toBe(
      'data.csv: has a header but no data rows',
    );
    expect(failure(() => parseBytes(Buffer.from('a,b\n1,2\n3,\u0000\n'))).message).toBe(
      'data.csv: line 3: contains a NUL byte, so it is not a text CSV file',
    );
    const latin1 = Buffer.concat([
      Buffer.from('a,b\n1,2\n'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      Buffer.from(',3\n'),
    ]);
    const error = failure(() => parseBytes(latin1));
    expect(error.message).toBe('data.csv: line 3: is not valid UTF-8');
    expect(error.hint).toMatch(/iconv/);
  });
});
