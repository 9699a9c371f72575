import { CsvError, parse } from 'csv-parse/sync';
import { DataError, quoteValue } from './data-error.js';
import { countLineFeeds, firstInvalidUtf8 } from './utf8.js';

/** A parsed CSV: header and rows kept as arrays of strings (a header named "__proto__" is just a name). */
export interface Table {
  readonly source: string;
  readonly header: string[];
  readonly rows: string[][];
  /** 1-based line number of each row in the file (where the record ends). */
  readonly lineNumbers: ArrayLike<number>;
  readonly delimiter: string;
}

const DELIMITERS = [',', ';', '\t'] as const;

/** Decodes UTF-8 (dropping a byte-order mark) and refuses binary or mis-encoded files. */
export function decodeText(bytes: Buffer, source: string): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw nulByteError(source, 1 + countLineFeeds(bytes, nul));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw invalidUtf8Error(source, 1 + countLineFeeds(bytes, bad === -1 ? 0 : bad));
  }
}

export function nulByteError(source: string, line: number): DataError {
  return new DataError(
    `${source}: line ${line}: contains a NUL byte, so it is not a text CSV file`,
    'export the data as CSV text (UTF-8)',
  );
}

export function invalidUtf8Error(source: string, line: number): DataError {
  return new DataError(
    `${source}: line ${line}: is not valid UTF-8`,
    `convert it first, e.g. iconv -f latin1 -t utf-8 ${source} > utf8.csv`,
  );
}

/** The delimiter used most often in the header line, outside quotes (`,` on a tie). */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) break;
    else if (!inQuotes && counts.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best: string = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/**
 * Parses CSV text with a header row (csv-parse): quoted fields, CRLF, and a
 * detected delimiter. Every row must have as many fields as the header.
 */
export function parseCsv(text: string, source: string): Table {
  if (text.trim() === '') {
    throw new DataError(`${source}: is empty`, 'give a CSV file with a header row and data rows');
  }
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw csvSyntaxError(error, source);
  }
  const [headerRecord, ...dataRecords] = records;
  const header = headerRecord.record;
  if (dataRecords.length === 0) {
    throw new DataError(
      `${source}: has a header but no data rows`,
      'give at least one row of data below the header',
    );
  }
  const rows: string[][] = new Array(dataRecords.length);
  const lineNumbers = new Int32Array(dataRecords.length);
  dataRecords.forEach(({ record, info }, r) => {
    checkFieldCount(record, header.length, info.lines, source, delimiter);
    rows[r] = record;
    lineNumbers[r] = info.lines;
  });
  return { source, header, rows, lineNumbers, delimiter };
}

/** Every row must have as many fields as the header. */
export function checkFieldCount(
  record: readonly string[],
  headerLength: number,
  line: number,
  source: string,
  delimiter: string,
): void {
  if (record.length === headerLength) return;
  const hint =
    record.length > headerLength
      ? `a field may hold an unquoted ${JSON.stringify(delimiter)}: quote it, or check the delimiter`
      : 'fill in the missing fields (empty is fine) so every row matches the header';
  throw new DataError(
    `${source}: line ${line}: has ${record.length} fields, but the header has ${headerLength}`,
    hint,
  );
}

/** csv-parse's errors as one-line DataErrors with a hint. */
export function csvSyntaxError(error: unknown, source: string): DataError {
  if (!(error instanceof CsvError)) {
    return new DataError(`${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const line = (error as CsvError & { lines?: number }).lines;
  const where = line === undefined ? '' : ` line ${line}:`;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new DataError(
        `${source}:${where} a quoted field is never closed`,
        'add the closing double quote, or double a quote inside a field ("")',
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new DataError(
        `${source}:${where} text follows a closing quote inside a field`,
        'write a quote inside a quoted field as two quotes ("")',
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new DataError(`${source}:${where} a field is too long`);
    default:
      return new DataError(`${source}:${where} ${quoteValue(error.message)}`);
  }
}
