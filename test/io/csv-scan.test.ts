import { CsvError, parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvScanner, fieldText, recordFields, type ScannedRecord } from '../../src/io/csv-scan.js';
import { parseNumberCell } from '../../src/io/parse-number.js';
import { isGmmError } from '../../src/errors.js';

/**
 * Differential tests: CsvScanner, fed in any chunking, must give what csv-parse gives
 * for the whole text with the options gmm used before the scanner existed.
 */

const SOURCE = 'data.csv';

interface Row {
  fields: string[];
  line: number;
}

type Outcome =
  | { kind: 'records'; records: Row[] }
  | { kind: 'error'; code: string; line: number; before: Row[] };

const OPTIONS = { info: true, relax_column_count: true, skip_empty_lines: true } as const;

interface InfoRecord {
  record: string[];
  info: { lines: number };
}

function toRows(records: InfoRecord[]): Row[] {
  return records.map((r) => ({ fields: r.record, line: r.info.lines }));
}

/** The reference: csv-parse's sync API on the whole text. */
function oracle(text: string, delimiter: string): Outcome {
  try {
    // With info: true each record is { record, info } (the typings do not say so).
    const records = parse(text, { ...OPTIONS, delimiter }) as unknown as InfoRecord[];
    return { kind: 'records', records: toRows(records) };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // The records csv-parse had emitted before it stopped (on_record changes nothing else).
    const before: InfoRecord[] = [];
    try {
      parse(text, {
        ...OPTIONS,
        delimiter,
        on_record: (record: string[]) => {
          before.push(record as unknown as InfoRecord);
          return record;
        },
      });
    } catch {
      // the same error again
    }
    const line = (error as CsvError & { lines: number }).lines;
    return { kind: 'error', code: error.code, line, before: toRows(before) };
  }
}

const MESSAGE_CODES: Record<string, string> = {
  'a quoted field starts here but is never closed': 'CSV_QUOTE_NOT_CLOSED',
  'text follows a closing quote inside a field': 'CSV_INVALID_CLOSING_QUOTE',
  'a quote inside a field that does not start with one': 'INVALID_OPENING_QUOTE',
};

/** Byte offsets at which to cut the input into chunks. */
type Cuts = readonly number[];

function chunksOf(bytes: Buffer, cuts: Cuts, copy: boolean): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    const chunk = bytes.subarray(from, point);
    chunks.push(copy ? new Uint8Array(chunk) : chunk);
    from = point;
  }
  return chunks;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`inconsistent record: ${what}`);
}

/** Checks the byte ranges of a record against its own bytes, then reads it. */
function readRecord(record: ScannedRecord, delimiter: number): Row {
  const { bytes, nFields, starts, ends, quoted } = record;
  check(nFields > 0, 'no fields');
  // Fields tile [start, end): quote? field quote? delimiter quote? field quote? …
  let at = record.start;
  for (let f = 0; f < nFields; f++) {
    if (f > 0) check(bytes[at++] === delimiter, `no delimiter before field ${f}`);
    if (quoted[f] === 1) check(bytes[at++] === 0x22, `no opening quote of field ${f}`);
    check(starts[f] === at && ends[f] >= starts[f], `bounds of field ${f}`);
    at = ends[f];
    if (quoted[f] === 1) check(bytes[at++] === 0x22, `no closing quote of field ${f}`);
  }
  check(at === record.end && record.end <= bytes.length, 'record end');
  const fields = recordFields(record);
  check(fields.length === nFields, 'recordFields length');
  for (let f = 0; f < nFields; f++) check(fieldText(record, f) === fields[f], `fieldText ${f}`);
  return { fields, line: record.line };
}

function scan(text: string, delimiter: string, cuts: Cuts, copy = false): Outcome {
  const bytes = Buffer.from(text, 'utf8');
  const delimiterByte = delimiter.charCodeAt(0);
  const records: Row[] = [];
  const scanner = new CsvScanner(SOURCE, delimiterByte, (record) => {
    records.push(readRecord(record, delimiterByte));
  });
  try {
    for (const chunk of chunksOf(bytes, cuts, copy)) scanner.push(chunk);
    scanner.end();
  } catch (error) {
    if (!isGmmError(error, 'data')) throw error;
    const match = /^data\.csv: line (\d+)(?:, field \d+)?: (.*?)(?: \(after ".*"\))?$/s.exec(
      error.message,
    );
    if (match === null) throw error;
    const code = MESSAGE_CODES[match[2]];
    if (code === undefined) throw error;
    return { kind: 'error', code, line: Number(match[1]), before: records };
  }
  return { kind: 'records', records };
}

const everyByte = (text: string): Cuts =>
  Array.from({ length: Buffer.byteLength(text) }, (_, i) => i + 1);
const everyN = (text: string, n: number): Cuts =>
  Array.from({ length: Math.ceil(Buffer.byteLength(text) / n) }, (_, i) => (i + 1) * n);

/** The scanner agrees with csv-parse in one chunk, byte by byte, and with the given cuts. */
function expectSameAsCsvParse(text: string, delimiter: string, cuts: Cuts = []): Outcome {
  const expected = oracle(text, delimiter);
  const inOneChunk = scan(text, delimiter, []);
  if (expected.kind === 'error' && expected.code === 'CSV_QUOTE_NOT_CLOSED') {
    // csv-parse names the line the input ends on; gmm names the line the quote opens
    // on (where the user must look): never later, and all else the same.
    expect(inOneChunk.kind === 'error' && inOneChunk.line).toBeLessThanOrEqual(expected.line);
    expect({ ...inOneChunk, line: expected.line }).toEqual(expected);
  } else expect(inOneChunk).toEqual(expected);
  expect(scan(text, delimiter, everyByte(text))).toEqual(inOneChunk);
  expect(scan(text, delimiter, everyN(text, 3), true)).toEqual(inOneChunk);
  expect(scan(text, delimiter, cuts)).toEqual(inOneChunk);
  return expected;
}

const DELIMITERS = [',', ';', '\t'] as const;
const delimiterArb = fc.constantFrom(...DELIMITERS);

/** Raw text from the characters that matter, with no structure imposed. */
const TOKENS = [
  'a',
  'b',
  '1',
  '-2.5',
  ' ',
  ',',
  ';',
  '\t',
  '"',
  '""',
  '\r',
  '\n',
  '\r\n',
  'é',
  '😀',
];
const rawTextArb = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 24 })
  .map((tokens) => tokens.join(''));

/** Text shaped like CSV: fields quoted or not, endings consistent or mixed, blank lines. */
const FIELD_CHARS = ['a', 'Z', '7', '.', ' ', ',', ';', '\t', 'é', '😀'];
const QUOTED_EXTRA = ['"', '\r', '\n', '\r\n'];
const ENDINGS = ['\n', '\r\n', '\r'];

const unquotedArb = fc
  .array(fc.constantFrom(...FIELD_CHARS), { maxLength: 5 })
  .map((c) => c.join(''));
const quotedArb = fc
  .array(fc.constantFrom(...FIELD_CHARS, ...QUOTED_EXTRA), { maxLength: 6 })
  .map((c) => `"${c.join('').replaceAll('"', '""')}"`);
const fieldArb = fc.oneof(unquotedArb, quotedArb);

const csvTextArb = fc
  .record({
    rows: fc.array(fc.array(fieldArb, { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
    delimiter: delimiterArb,
    ending: fc.constantFrom(...ENDINGS),
    mixed: fc.array(fc.constantFrom(...ENDINGS), { minLength: 6, maxLength: 6 }),
    useMixed: fc.boolean(),
    blanks: fc.array(fc.nat({ max: 2 }), { minLength: 6, maxLength: 6 }),
    finalEnding: fc.boolean(),
  })
  .map(({ rows, delimiter, ending, mixed, useMixed, blanks, finalEnding }) => {
    let text = '';
    rows.forEach((row, i) => {
      const end = useMixed ? mixed[i] : ending;
      if (i > 0) text += end.repeat(blanks[i]);
      text += row.join(delimiter);
      if (i < rows.length - 1 || finalEnding) text += end;
    });
    return { text, delimiter };
  });

const cutsArb = fc.array(fc.nat({ max: 80 }), { maxLength: 8 });

describe('CsvScanner against csv-parse', () => {
  it('agrees on raw text over the hard characters, in any chunking', () => {
    fc.assert(
      fc.property(rawTextArb, delimiterArb, cutsArb, (text, delimiter, cuts) => {
        expectSameAsCsvParse(text, delimiter, cuts);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on CSV-shaped text (quoted fields, mixed endings, blank lines), in any chunking', () => {
    fc.assert(
      fc.property(csvTextArb, cutsArb, ({ text, delimiter }, cuts) => {
        expectSameAsCsvParse(text, delimiter, cuts);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees when CSV-shaped text is damaged by one inserted character', () => {
    const damageArb = fc.constantFrom('"', '\r', '\n', 'x', ' ', ',');
    fc.assert(
      fc.property(
        csvTextArb,
        fc.nat(),
        damageArb,
        cutsArb,
        ({ text, delimiter }, at, damage, cuts) => {
          const i = text.length === 0 ? 0 : at % (text.length + 1);
          // Do not split a surrogate pair (the input is valid UTF-8).
          const j = i > 0 && /[\uD800-\uDBFF]/.test(text[i - 1]) ? i - 1 : i;
          expectSameAsCsvParse(text.slice(0, j) + damage + text.slice(j), delimiter, cuts);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees on a larger file read in realistic chunk sizes', () => {
    const rows: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const cells = [
        String(i),
        (i * 0.37).toFixed(3),
        i % 7 === 0 ? '"multi\r\nline, ""quoted"""' : `w${i}`,
        i % 11 === 0 ? '' : 'é😀',
      ];
      rows.push(cells.join(','));
      if (i % 97 === 0) rows.push('');
    }
    const text = `${rows.join('\r\n')}\r\n`;
    const expected = oracle(text, ',');
    expect(expected.kind).toBe('records');
    for (const n of [1, 7, 64, 4096, 65536]) {
      expect(scan(text, ',', everyN(text, n))).toEqual(expected);
    }
  });

  it('handles records wider than its initial field arrays', () => {
    const wide = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `"q${i}"` : `${i}`));
    const text = `${wide.join(';')}\n1;2\n${wide.slice(0, 100).join(';')}`;
    const expected = expectSameAsCsvParse(text, ';', [5, 500, 1000]);
    expect(expected.kind === 'records' && expected.records.map((r) => r.fields.length)).toEqual([
      300, 2, 100,
    ]);
  });

  it('gives the same records for Buffer chunks and plain Uint8Array chunks', () => {
    const text = 'a,"b\nc"\r\nd,"e ""f"""\n😀,é';
    const cuts = [2, 5, 9, 13];
    expect(scan(text, ',', cuts, true)).toEqual(scan(text, ',', cuts, false));
    expect(scan(text, ',', cuts, true)).toEqual(oracle(text, ','));
  });

  // A caller may reuse its read buffer once push() returns (Buffer.slice is only a view).
  it('does not keep a reference to a Buffer chunk after push() returns', () => {
    const records: string[][] = [];
    const scanner = new CsvScanner(SOURCE, 0x2c, (record) => records.push(recordFields(record)));
    const chunk = Buffer.from('a,b\n1,');
    scanner.push(chunk);
    chunk.fill(0x78);
    scanner.push(Buffer.from('2\n'));
    scanner.end();
    expect(records).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('accepts empty chunks anywhere', () => {
    const text = 'x,y\r\n1,"2\r\n3"\r\n';
    expect(scan(text, ',', [0, 0, 3, 3, 4, 4, 5, 16, 16])).toEqual(oracle(text, ','));
  });
});

/** Named cases: each checked against csv-parse and, to document it, against the expected rows. */
interface NamedCase {
  name: string;
  text: string;
  delimiter?: string;
  expected: Outcome;
}

const rows = (...list: [string[], number][]): Outcome => ({
  kind: 'records',
  records: list.map(([fields, line]) => ({ fields, line })),
});
const failsAt = (code: string, line: number, ...before: [string[], number][]): Outcome => ({
  kind: 'error',
  code,
  line,
  before: before.map(([fields, l]) => ({ fields, line: l })),
});

const NAMED: NamedCase[] = [
  {
    name: 'a CRLF file',
    text: 'a,b\r\n1,2\r\n3,4\r\n',
    expected: rows([['a', 'b'], 1], [['1', '2'], 2], [['3', '4'], 3]),
  },
  {
    name: 'a lone-CR file',
    text: 'a,b\r1,2\r3,4\r',
    expected: rows([['a', 'b'], 1], [['1', '2'], 2], [['3', '4'], 3]),
  },
  {
    name: 'mixed endings, LF first: a later \\r stays in the field',
    text: 'a,b\n1,2\r\n3,4\n',
    expected: rows([['a', 'b'], 1], [['1', '2\r'], 3], [['3', '4'], 4]),
  },
  {
    name: 'mixed endings, CRLF first: a later lone \\n stays in the field',
    text: 'a,b\r\n1,2\n3,4\r\n',
    expected: rows([['a', 'b'], 1], [['1', '2\n3', '4'], 3]),
  },
  {
    name: 'mixed endings, CR first: a later \\n stays in the field',
    text: 'a\rb\nc\rd',
    expected: rows([['a'], 1], [['b\nc'], 3], [['d'], 4]),
  },
  {
    name: 'a quoted field holding a line break',
    text: 'id,note\n1,"two\nlines"\n2,x\n',
    expected: rows([['id', 'note'], 1], [['1', 'two\nlines'], 3], [['2', 'x'], 4]),
  },
  {
    name: 'a quoted field holding CRLF in a CRLF file',
    text: 'id,note\r\n1,"two\r\nlines"\r\n2,x',
    expected: rows([['id', 'note'], 1], [['1', 'two\r\nlines'], 4], [['2', 'x'], 5]),
  },
  {
    name: 'a quoted field first in the file, holding a line break before any ending',
    text: '"a\rb",c\n1,2',
    expected: rows([['a\rb', 'c'], 2], [['1', '2'], 3]),
  },
  {
    name: 'doubled quotes',
    text: '"say ""hi""","""","a""b"\n',
    expected: rows([['say "hi"', '"', 'a"b'], 1]),
  },
  {
    name: 'empty lines and a final line without ending',
    text: '\n\na,b\n\n\n1,2\n\n3,4',
    expected: rows([['a', 'b'], 3], [['1', '2'], 6], [['3', '4'], 8]),
  },
  {
    name: 'empty CRLF lines and trailing empty lines',
    text: '\r\na\r\n\r\nb\r\n\r\n\r\n',
    expected: rows([['a'], 2], [['b'], 4]),
  },
  {
    name: 'a line of one delimiter is not empty',
    text: 'a\n,\n',
    expected: rows([['a'], 1], [['', ''], 2]),
  },
  {
    name: 'a field that is just ""',
    text: 'a\n""\n"",""\nb',
    expected: rows([['a'], 1], [[''], 2], [['', ''], 3], [['b'], 4]),
  },
  {
    name: 'a file that is just ""',
    text: '""',
    expected: rows([[''], 1]),
  },
  {
    name: 'spaces only make a record',
    text: ' \n\t\n',
    delimiter: ',',
    expected: rows([[' '], 1], [['\t'], 2]),
  },
  {
    name: 'semicolon and tab delimiters leave commas in fields',
    text: '1,5;2\n"a;b";c',
    delimiter: ';',
    expected: rows([['1,5', '2'], 1], [['a;b', 'c'], 2]),
  },
  {
    name: 'tab delimiter',
    text: 'a\tb\n"x\ty"\t\n',
    delimiter: '\t',
    expected: rows([['a', 'b'], 1], [['x\ty', ''], 2]),
  },
  {
    name: 'multi-byte characters',
    text: 'é,😀\n"😀,é",ü\n',
    expected: rows([['é', '😀'], 1], [['😀,é', 'ü'], 2]),
  },
  {
    name: 'an empty file',
    text: '',
    expected: rows(),
  },
  {
    name: 'an unterminated quote at end of file, no trailing newline',
    text: 'a,b\n1,"2',
    expected: failsAt('CSV_QUOTE_NOT_CLOSED', 2, [['a', 'b'], 1]),
  },
  {
    name: 'an unterminated quote at end of file, with a trailing newline',
    text: 'a,b\n1,"2\n',
    expected: failsAt('CSV_QUOTE_NOT_CLOSED', 2, [['a', 'b'], 1]),
  },
  {
    name: 'an unterminated quote spanning lines',
    text: 'a,b\n1,"2\n3,4\r\n5,6\n',
    expected: failsAt('CSV_QUOTE_NOT_CLOSED', 5, [['a', 'b'], 1]),
  },
  {
    name: 'an unterminated quote that ends in a doubled quote',
    text: 'a\n"b""',
    expected: failsAt('CSV_QUOTE_NOT_CLOSED', 2, [['a'], 1]),
  },
  {
    name: 'text after a closing quote',
    text: 'a\n"b"c,d\n',
    expected: failsAt('CSV_INVALID_CLOSING_QUOTE', 2, [['a'], 1]),
  },
  {
    name: 'a closing quote followed by a line break that is not the record delimiter',
    text: 'a\r\n"b"\rc\r\n',
    expected: failsAt('CSV_INVALID_CLOSING_QUOTE', 2, [['a'], 1]),
  },
  {
    name: 'a closing quote followed by a lone \\r at end of a CRLF file',
    text: 'a\r\n"b"\r',
    expected: failsAt('CSV_INVALID_CLOSING_QUOTE', 2, [['a'], 1]),
  },
  {
    name: 'a quote inside an unquoted field',
    text: 'a,b\n1,2"3\n',
    expected: failsAt('INVALID_OPENING_QUOTE', 2, [['a', 'b'], 1]),
  },
  {
    name: 'a quote after a leading space',
    text: 'a\n\n "b"\n',
    expected: failsAt('INVALID_OPENING_QUOTE', 3, [['a'], 1]),
  },
  {
    name: 'an error after a multi-line quoted field counts its lines',
    text: '"x\n\ny"\nq"',
    expected: failsAt('INVALID_OPENING_QUOTE', 4, [['x\n\ny'], 3]),
  },
];

describe('CsvScanner named cases', () => {
  it.each(NAMED)('$name', ({ text, delimiter = ',', expected }) => {
    // The expectation documents csv-parse; the scanner is compared to csv-parse itself.
    expect(oracle(text, delimiter)).toEqual(expected);
    const cuts = everyN(text, 2);
    expectSameAsCsvParse(text, delimiter, cuts);
  });
});

describe('CsvScanner messages', () => {
  it('names the line an unclosed quote opens on, not the end of the file', () => {
    const text = 'a,b\n1,"2\n3,4\r\n5,6\n';
    for (const cuts of [[], everyByte(text)]) {
      expect(scan(text, ',', cuts)).toEqual(failsAt('CSV_QUOTE_NOT_CLOSED', 2, [['a', 'b'], 1]));
    }
  });
});

describe('CsvScanner numbers read on the way', () => {
  /** Every field of `text` with the number the scanner read for it. */
  function scannedNumbers(text: string, delimiter: string): { text: string; number: number }[] {
    const found: { text: string; number: number }[] = [];
    const scanner = new CsvScanner(SOURCE, delimiter.charCodeAt(0), (record) => {
      for (let f = 0; f < record.nFields; f++) {
        found.push({ text: fieldText(record, f), number: record.numbers[f] });
      }
    });
    try {
      scanner.push(Buffer.from(text));
      scanner.end();
    } catch (error) {
      if (!isGmmError(error, 'data')) throw error;
    }
    return found;
  }

  it('are NaN or exactly parseNumberCell of the field, on any text', () => {
    const numberish = fc.constantFrom('-', '.', '0', '1', '9', 'e', '+', ' ', '5.5', '-0');
    const cellArb = fc.array(numberish, { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(cellArb, { minLength: 1, maxLength: 6 }), delimiterArb, (cells, d) => {
        for (const { text, number } of scannedNumbers(`${cells.join(d)}\n`, d)) {
          if (!Number.isNaN(number)) expect(Object.is(number, parseNumberCell(text))).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('read plain decimals (as toFixed and String print them) without the slow path', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 8 }),
        (x, k) => {
          const text = x.toFixed(k);
          const [{ number }] = scannedNumbers(`${text}\n`, ',');
          expect(Object.is(number, Number(text))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
    expect(scannedNumbers('x,-0,007,5.,.5,-.25,"1",1e3,+1, 2\n', ',').map((f) => f.number)).toEqual(
      [NaN, -0, 7, 5, 0.5, -0.25, NaN, NaN, NaN, NaN],
    );
  });
});

describe('CsvScanner pause', () => {
  it('stops after the record that asked, also when a carried record ends in the next chunk', () => {
    for (const chunks of [
      ['x,y\r', '\n1,2\r\n3,4\r\n'],
      ['x,y\n1', ',2\n3,4\n'],
      ['x,', 'y\n1,2\n3,4\n'],
      ['x,y\n1,2\n3,4\n'],
    ]) {
      let header: string[] | undefined;
      const rows: string[][] = [];
      const scanner = new CsvScanner(SOURCE, 0x2c, (record) => {
        header = recordFields(record);
        scanner.pause();
      });
      let pushed = 0;
      while (header === undefined) scanner.push(Buffer.from(chunks[pushed++]));
      scanner.onRecord = (record) => rows.push(recordFields(record));
      scanner.push(new Uint8Array(0));
      for (const chunk of chunks.slice(pushed)) scanner.push(Buffer.from(chunk));
      scanner.end();
      expect({ header, rows }).toEqual({
        header: ['x', 'y'],
        rows: [
          ['1', '2'],
          ['3', '4'],
        ],
      });
    }
  });
});
