import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { detectDelimiter, openCsv } from '../../src/io/csv-reader.js';
import { readAllRows, withoutFolder } from './read-csv-text.js';
import { GmmError } from '../../src/errors.js';

/** The one-line message of the data error reading `text` ends in. */
async function failure(text: string | Buffer): Promise<GmmError> {
  try {
    await readAllRows(text);
  } catch (error) {
    expect(error).toMatchObject({ name: 'GmmError', kind: 'data' });
    const dataError = error as GmmError;
    return new GmmError('data', withoutFolder(dataError.message), dataError.hint);
  }
  throw new Error('expected a data GmmError');
}

describe('openCsv', () => {
  it('reads a header and rows as arrays of strings, with line numbers', async () => {
    const table = await readAllRows('a,b\n1,2\n3,4\n');
    expect(table.header).toEqual(['a', 'b']);
    expect(table.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(table.lines).toEqual([2, 3]);
    expect(table.delimiter).toBe(',');
  });

  it('drops a UTF-8 byte-order mark and accepts CRLF line ends', async () => {
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('x,y\r\n1,2\r\n3,4\r\n'),
    ]);
    const table = await readAllRows(bom);
    expect(table.header).toEqual(['x', 'y']);
    expect(table.rows[1]).toEqual(['3', '4']);
    expect(table.lines).toEqual([2, 3]);
  });

  it('keeps quoted headers holding commas and quotes', async () => {
    const table = await readAllRows('"Income, annual","say ""hi""",z\n1,2,3\n');
    expect(table.header).toEqual(['Income, annual', 'say "hi"', 'z']);
  });

  it('detects ; and tab delimiters from the header line', async () => {
    expect((await readAllRows('a;b;c\n1;2;3\n')).rows[0]).toEqual(['1', '2', '3']);
    expect((await readAllRows('a\tb\n1\t2\n')).rows[0]).toEqual(['1', '2']);
    expect(detectDelimiter('"a;b",c\n')).toBe(',');
    expect(detectDelimiter('single\n1\n')).toBe(',');
  });

  it('treats __proto__ and constructor as ordinary header names', async () => {
    const table = await readAllRows('__proto__,constructor\n1,2\n');
    expect(table.header).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(table.rows[0])).toBe(Array.prototype);
    expect(table.rows[0]).toEqual(['1', '2']);
  });

  it('keeps empty cells as empty strings and skips blank lines with correct line numbers', async () => {
    const table = await readAllRows('a,b\n1,\n\n,4\n');
    expect(table.rows).toEqual([
      ['1', ''],
      ['', '4'],
    ]);
    expect(table.lines).toEqual([2, 4]);
  });

  it('reads a file larger than one chunk, with a character cut between chunks', async () => {
    // 1 MiB chunks: rows of "é" (2 bytes) put a character across the boundary.
    const rows = Array.from({ length: 120_000 }, (_, i) => `é${i},${i}\n`);
    const table = await readAllRows(`name,n\n${rows.join('')}`);
    expect(table.rows).toHaveLength(120_000);
    expect(table.rows[119_999]).toEqual(['é119999', '119999']);
    expect(table.lines[119_999]).toBe(120_001);
  });

  it('names the line of a ragged row', async () => {
    const error = await failure('a,b\n1,2\n3,4,5\n');
    expect(error.message).toBe('data.csv: line 3: has 3 fields, but the header has 2');
    expect(error.hint).toMatch(/quote/);
    expect((await failure('a,b\n1\n')).message).toBe(
      'data.csv: line 2: has 1 fields, but the header has 2',
    );
  });

  it('explains an unterminated quote, a quote after a closing one, and one mid-field', async () => {
    expect((await failure('a,b\n1,"2\n3,4\n')).message).toBe(
      'data.csv: line 2: a quoted field starts here but is never closed',
    );
    expect((await failure('a,b\n1,"2"x\n')).message).toBe(
      'data.csv: line 2: text follows a closing quote inside a field',
    );
    expect((await failure('a,b\n1,2 "in" 3\n')).message).toBe(
      'data.csv: line 2, field 2: a quote inside a field that does not start with one (after "2 ")',
    );
  });

  it('refuses empty files, header-only files, NUL bytes and invalid UTF-8', async () => {
    expect((await failure('')).message).toBe('data.csv: is empty');
    expect((await failure(' \n\n')).message).toBe('data.csv: is empty');
    expect((await failure('a,b\n')).message).toBe('data.csv: has a header but no data rows');
    expect((await failure(Buffer.from('a,b\n1,2\n3,\u0000\n'))).message).toBe(
      'data.csv: line 3: contains a NUL byte, so it is not a text CSV file',
    );
    const latin1 = Buffer.concat([
      Buffer.from('a,b\n1,2\n'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      Buffer.from(',3\n'),
    ]);
    const error = await failure(latin1);
    expect(error.message).toBe('data.csv: line 3: is not valid UTF-8');
    expect(error.hint).toMatch(/iconv/);
    expect((await failure(Buffer.from([0x61, 0x0a, 0x31, 0xc3]))).message).toBe(
      'data.csv: line 2: ends inside a UTF-8 character',
    );
  });
});

describe('a CsvReader closes its file on every path', () => {
  /** Open file descriptors of this process (Linux: /proc/self/fd). */
  const openFds = () => readdirSync('/proc/self/fd').length;
  const dir = mkdtempSync(join(tmpdir(), 'gmm-reader-'));
  const file = join(dir, 'rows.csv');
  writeFileSync(file, `a,b\n${Array.from({ length: 5000 }, (_, i) => `${i},${i}`).join('\n')}\n`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(process.platform === 'linux')('when a row callback throws', async () => {
    const before = openFds();
    const reader = await openCsv(file);
    expect(openFds()).toBe(before + 1);
    await expect(
      reader.readRows((_, row) => {
        if (row === 10) throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(openFds()).toBe(before);
  });

  it.runIf(process.platform === 'linux')('when it is closed before its rows are read', async () => {
    const before = openFds();
    const reader = await openCsv(file);
    await reader.close();
    expect(openFds()).toBe(before);
  });

  it.runIf(process.platform === 'linux')('when a row callback throws on gzip input', async () => {
    const gz = join(dir, 'rows.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(file)));
    const before = openFds();
    const reader = await openCsv(gz);
    await expect(
      reader.readRows((_, row) => {
        if (row === 10) throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(openFds()).toBe(before);
  });

  it.runIf(process.platform === 'linux')('when a row is bad', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3\n');
    const before = openFds();
    const reader = await openCsv(bad);
    await expect(reader.readRows(() => {})).rejects.toThrow(
      expect.objectContaining({ kind: 'data' }),
    );
    expect(openFds()).toBe(before);
  });
});
