import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { DataError } from './data-error.js';
import {
  checkFieldCount,
  csvSyntaxError,
  detectDelimiter,
  invalidUtf8Error,
  nulByteError,
} from './parse-csv.js';
import { describeFsError } from './read-input.js';
import { countLineFeeds, firstInvalidUtf8 } from './utf8.js';

/** Rows read so far, handed over a batch at a time so memory stays flat. */
export interface CsvBatch {
  readonly rows: string[][];
  /** 1-based line number of each row (where the record ends). */
  readonly lineNumbers: number[];
}

export interface CsvStream {
  readonly source: string;
  /** The path read, or undefined for stdin. */
  readonly path: string | undefined;
  readonly header: string[];
  readonly delimiter: string;
  readonly batches: AsyncIterable<CsvBatch>;
}

export const BATCH_ROWS = 4096;

/**
 * Opens a CSV (a path, or "-" for stdin) for reading in batches: UTF-8 checked as it
 * arrives (a byte-order mark dropped), delimiter detected from the header line, and
 * each row checked against the header's field count — the same rules as parseCsv,
 * without holding the file.
 */
export async function openCsvStream(file: string, batchRows = BATCH_ROWS): Promise<CsvStream> {
  const source = file === '-' ? 'stdin' : file;
  const bytes = file === '-' ? process.stdin : createReadStream(file);
  const text = decodeChunks(bytes as AsyncIterable<Buffer>, source, file);
  // Read until the header line is complete, to detect the delimiter.
  let head = '';
  let first = await text.next();
  while (!first.done) {
    head += first.value;
    if (/[\r\n]/.test(head.replace(/"[^"]*"/g, ''))) break;
    first = await text.next();
  }
  if (head.trim() === '') {
    throw new DataError(`${source}: is empty`, 'give a CSV file with a header row and data rows');
  }
  const delimiter = detectDelimiter(head);
  async function* rest(): AsyncGenerator<string> {
    yield head;
    for await (const chunk of text) yield chunk;
  }
  const parser = Readable.from(rest()).pipe(
    parse({ delimiter, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{
    record: string[];
    info: { lines: number };
  }>;
  const next = async () => {
    try {
      return await records.next();
    } catch (error) {
      throw error instanceof DataError ? error : csvSyntaxError(error, source);
    }
  };
  const headerRecord = await next();
  if (headerRecord.done) {
    throw new DataError(`${source}: is empty`, 'give a CSV file with a header row and data rows');
  }
  const header = headerRecord.value.record;
  async function* batches(): AsyncGenerator<CsvBatch> {
    let rows: string[][] = [];
    let lineNumbers: number[] = [];
    let any = false;
    for (let result = await next(); !result.done; result = await next()) {
      const { record, info } = result.value;
      checkFieldCount(record, header.length, info.lines, source, delimiter);
      rows.push(record);
      lineNumbers.push(info.lines);
      any = true;
      if (rows.length >= batchRows) {
        yield { rows, lineNumbers };
        rows = [];
        lineNumbers = [];
      }
    }
    if (!any) {
      throw new DataError(
        `${source}: has a header but no data rows`,
        'give at least one row of data below the header',
      );
    }
    if (rows.length > 0) yield { rows, lineNumbers };
  }
  return { source, path: file === '-' ? undefined : file, header, delimiter, batches: batches() };
}

/** Decodes UTF-8 chunk by chunk, refusing NUL bytes and invalid sequences with their line. */
async function* decodeChunks(
  chunks: AsyncIterable<Buffer>,
  source: string,
  file: string,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  /** 1-based line at the start of the current chunk. */
  let line = 1;
  /** The previous chunk's last sequence, which may continue into this chunk. */
  let tail: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of chunks) {
      const nul = chunk.indexOf(0);
      if (nul !== -1) throw nulByteError(source, line + countLineFeeds(chunk, nul));
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        const joined = Buffer.concat([tail, chunk]);
        const bad = Math.max(0, firstInvalidUtf8(joined, false));
        throw invalidUtf8Error(
          source,
          line - countLineFeeds(tail, tail.length) + countLineFeeds(joined, bad),
        );
      }
      line += countLineFeeds(chunk, chunk.length);
      tail = lastSequence(chunk);
      yield text;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      throw new DataError(
        `${source}: line ${line}: ends inside a UTF-8 character`,
        'the file may be cut short',
      );
    }
    yield rest;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(
      `${file}: ${describeFsError(error)}`,
      'check the path, or pass - to read standard input',
    );
  }
}

/** The bytes from the last character start among the final 3 (a sequence is at most 4 long). */
function lastSequence(chunk: Buffer): Buffer {
  for (let i = chunk.length - 1; i >= Math.max(0, chunk.length - 3); i--) {
    if ((chunk[i] & 0xc0) !== 0x80) return Buffer.from(chunk.subarray(i));
  }
  return Buffer.alloc(0);
}
