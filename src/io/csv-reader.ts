import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  CsvScanner,
  EMPTY,
  plainBytes,
  fieldText,
  recordFields,
  recordText,
  type ScannedRecord,
} from './csv-scan.js';
import { CR, LF, QUOTE } from './ascii.js';
import { describeFsError } from './file-system.js';
import { decimalByte, type DecimalMark } from './parse-number.js';
import { isParquetFile, type InputFormat } from './input-format.js';
import { decodeToUtf8, type InputEncoding } from './transcode.js';
import { trackTemporary } from './write-output.js';
import { firstInvalidUtf8 } from './utf8.js';
import { GmmError, isGmmError } from '../errors.js';

/** Bytes read at a time: large enough that per-chunk work vanishes, small enough to stream. */
const CHUNK_BYTES = 1 << 20;

/** A CSV opened for one pass over its rows: the header is read, the rows are not yet. */
export interface CsvReader {
  /** What messages call it: the path as given, or "stdin". */
  readonly source: string;
  /** The path read, or undefined for stdin. */
  readonly path: string | undefined;
  readonly header: string[];
  /** The header line as written (quotes kept), for echoing it. */
  readonly headerText: string;
  readonly delimiter: string;
  /** The decimal mark its numbers are read with (--decimal). */
  readonly decimal: DecimalMark;
  /**
   * Reads every data row, handing each to `onRow` (synchronously; the record is valid
   * only during the call) with its 0-based row number; every row has as many fields as
   * the header. `afterChunk` is awaited after each chunk's rows (for backpressure).
   * Returns the number of rows; none at all is an error.
   */
  readRows(
    onRow: (record: ScannedRecord, row: number) => void,
    afterChunk?: () => Promise<void>,
  ): Promise<number>;
  /**
   * The same input opened again for another pass (the labelled CSV is written by
   * reading the input twice rather than holding it): a path is reopened; standard
   * input must have been opened `replayable`, which copies it to a temporary file.
   */
  reopen(): Promise<CsvReader>;
  /**
   * Closes the file now. readRows closes it when it ends, failed or not; a reader
   * whose rows are never read must be closed by whoever opened it.
   */
  close(): Promise<void>;
}

/** Runs `work` with `reader`, then closes it whatever happened (closing twice is harmless). */
export async function withCsvReader<T>(
  reader: CsvReader,
  work: (reader: CsvReader) => Promise<T>,
): Promise<T> {
  try {
    return await work(reader);
  } finally {
    await reader.close();
  }
}

export interface OpenCsvOptions {
  /** Standard input is copied to a temporary file as it is read, for reopen(). */
  readonly replayable?: boolean;
  /** `,` for European exports (`15,5`, with a `;` or tab delimiter); `.` by default. */
  readonly decimal?: DecimalMark;
  /** The text's encoding, decoded to UTF-8 as it streams; UTF-8 by default. */
  readonly encoding?: InputEncoding;
  /** `auto` (the default): Parquet when the file starts with PAR1, else CSV. */
  readonly inputFormat?: InputFormat;
}

/**
 * Opens a CSV (a path, or "-" for standard input) or a Parquet file (a path whose
 * first bytes are PAR1: parquet-text.ts) and reads its header: UTF-8 checked
 * as it arrives (a byte-order mark dropped, NUL bytes refused), the delimiter detected
 * from the header line, each row checked against the header's field count. The file
 * is read a chunk at a time and never held whole.
 */
export async function openCsv(file: string, options: OpenCsvOptions = {}): Promise<CsvReader> {
  // What cannot be read twice (stdin, a pipe such as <(…) or /dev/stdin) is copied
  // as it is read when a second pass is wanted.
  const source = file === '-' ? 'stdin' : file;
  const once = file === '-' || !isRegularFile(file);
  const format = options.inputFormat ?? 'auto';
  if (format === 'parquet' && once) {
    throw new GmmError(
      'usage',
      `${source}: Parquet is read from a file, not from ${file === '-' ? 'standard input' : 'a pipe'}`,
      'save it to a file and pass its path',
    );
  }
  if (format === 'parquet' || (format === 'auto' && !once && (await isParquetFile(file)))) {
    // Parquet becomes CSV text of gmm's own making: UTF-8, decimal points, commas.
    const plain = { ...options, decimal: '.', encoding: 'utf-8' } as const;
    // hyparquet is loaded only for Parquet input
    const { parquetAsCsvText } = await import('./parquet-text.js');
    return openBytes(source, file, parquetAsCsvText(file), undefined, plain);
  }
  const spool = once && options.replayable === true ? new Spool(source) : undefined;
  return openBytes(source, file, readChunks(file, spool, source, options), spool, options);
}

async function openBytes(
  source: string,
  file: string,
  chunks: AsyncGenerator<Uint8Array>,
  spool: Spool | undefined,
  options: OpenCsvOptions,
): Promise<CsvReader> {
  try {
    return await readHeader(source, file, chunks, spool, options);
  } catch (error) {
    await chunks.return(undefined);
    throw error;
  }
}

async function readHeader(
  source: string,
  file: string,
  chunks: AsyncGenerator<Uint8Array>,
  spool: Spool | undefined,
  options: OpenCsvOptions,
): Promise<CsvReader> {
  const decimal = options.decimal ?? '.';
  const checker = new ByteChecker(source);
  // The header line decides the delimiter: read until it is complete.
  let headBuffer = Buffer.alloc(0);
  let lineEnd = -1;
  let atEnd = false;
  while (lineEnd === -1) {
    const next = await chunks.next();
    if (next.done) {
      atEnd = true;
      break;
    }
    // Copied: the reader reuses its buffers.
    const chunk = headBuffer.length === 0 ? dropByteOrderMark(next.value) : next.value;
    headBuffer = Buffer.concat([headBuffer, chunk]);
    lineEnd = firstLineEnd(headBuffer);
  }
  const delimiter = detectDelimiter(
    headBuffer.toString('utf8', 0, lineEnd === -1 ? headBuffer.length : lineEnd),
  );
  if (decimal === ',' && delimiter === ',') {
    throw new GmmError(
      'usage',
      `${source}: --decimal , needs a file whose delimiter is not a comma, but its header is comma-separated`,
      'leave --decimal out for this file (a European export uses ; between fields)',
    );
  }

  let header: string[] | undefined;
  let headerText = '';
  const scanner = new CsvScanner(
    source,
    delimiter.charCodeAt(0),
    (record) => {
      header = recordFields(record);
      headerText = recordText(record);
      scanner.pause();
    },
    decimalByte(decimal),
  );
  const feed = (chunk: Uint8Array) => checker.feed(chunk, scanner);
  feed(plainBytes(headBuffer));
  while (header === undefined && !atEnd) {
    const next = await chunks.next();
    if (next.done) atEnd = true;
    else feed(next.value);
  }
  if (header === undefined) {
    checker.end(scanner);
    scanner.end();
  }
  if (header === undefined) {
    throw new GmmError(
      'data',
      `${source}: is empty`,
      'give a CSV file with a header row and data rows',
    );
  }
  const fields = header;
  let used = false;

  return {
    source,
    path: file === '-' ? undefined : file,
    async reopen() {
      if (spool !== undefined) {
        const chunks = readChunks(spool.path, undefined, source, options);
        return openBytes(source, spool.path, chunks, undefined, options);
      }
      if (file === '-') throw new Error('reopen: standard input was not opened replayable');
      return openCsv(file, { ...options, replayable: false });
    },
    header: fields,
    headerText,
    delimiter,
    decimal,
    async close() {
      await chunks.return(undefined);
    },
    async readRows(onRow, afterChunk) {
      if (used) throw new Error('readRows: a CsvReader reads its rows once');
      used = true;
      try {
        return await readAllRows(onRow, afterChunk);
      } finally {
        // a row callback that throws, or a bad row, must not leave the file open
        await chunks.return(undefined);
      }
    },
  };

  async function readAllRows(
    onRow: (record: ScannedRecord, row: number) => void,
    afterChunk?: () => Promise<void>,
  ): Promise<number> {
    let nRows = 0;
    scanner.onRecord = (record) => {
      checkFieldCount(record.nFields, fields.length, record.line, source, delimiter);
      onRow(record, nRows++);
    };
    scanner.push(EMPTY);
    await afterChunk?.();
    while (!atEnd) {
      const next = await chunks.next();
      if (next.done) break;
      feed(next.value);
      await afterChunk?.();
    }
    checker.end(scanner);
    scanner.end();
    await afterChunk?.();
    if (nRows === 0) {
      // Only white space (a header of one blank field) is an empty file too.
      const blank = fields.length === 1 && fields[0].trim() === '';
      throw blank
        ? new GmmError(
            'data',
            `${source}: is empty`,
            'give a CSV file with a header row and data rows',
          )
        : new GmmError(
            'data',
            `${source}: has a header but no data rows`,
            'give at least one row of data below the header',
          );
    }
    return nRows;
  }
}

/**
 * The chunks of a file or of standard input (copied to `spool` when given); a read
 * error becomes a one-line DataError.
 */
async function* readChunks(
  file: string,
  spool: Spool | undefined,
  source: string,
  options: OpenCsvOptions,
): AsyncGenerator<Uint8Array> {
  try {
    yield* decodeToUtf8(
      gunzipIfCompressed(rawChunks(file, spool)),
      options.encoding ?? 'utf-8',
      source,
    );
    spool?.close();
  } catch (error) {
    if (isGmmError(error, 'data')) throw error;
    if (isZlibError(error)) {
      throw new GmmError(
        'data',
        `${file}: is not a valid gzip file (${(error as Error).message})`,
        'check that the download or export is complete, or decompress it with gunzip and pass the result',
      );
    }
    throw new GmmError(
      'data',
      `${file}: ${describeFsError(error)}`,
      'check the path, or pass - to read standard input',
    );
  }
}

/** The bytes as they are stored (copied to `spool` when given, for a second pass). */
async function* rawChunks(file: string, spool: Spool | undefined): AsyncGenerator<Uint8Array> {
  for await (const chunk of file === '-' ? process.stdin : readFileChunks(file)) {
    spool?.write(chunk as Uint8Array);
    yield chunk as Uint8Array;
  }
}

/**
 * gzip input (an export as `customers.csv.gz`, or piped from curl) is decompressed as
 * it streams, recognised by its magic bytes 1f 8b rather than by its name; anything
 * else passes through. Line numbers in messages are the decompressed text's.
 */
async function* gunzipIfCompressed(raw: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    const first = await raw.next();
    if (first.done) return;
    const head = first.value;
    if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
      yield plainBytes(head);
      for await (const chunk of raw) yield plainBytes(chunk);
      return;
    }
    // Copied: the file reader reuses its buffers, and the pipe reads ahead.
    async function* compressed() {
      yield Buffer.from(head);
      for await (const chunk of raw) yield Buffer.from(chunk);
    }
    const gunzip = createGunzip();
    const input = Readable.from(compressed());
    input.on('error', (error) => gunzip.destroy(error));
    input.pipe(gunzip);
    try {
      for await (const chunk of gunzip) yield plainBytes(chunk as Uint8Array);
    } finally {
      input.destroy();
    }
  } finally {
    // stopped early (closed, or a failed row): the file must close however far it got
    await raw.return(undefined);
  }
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** A regular file (not a pipe or a device); a path that cannot be stat'ed counts as one (its read says why). */
function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

/**
 * A private temporary copy of an input that cannot be read twice (stdin, a pipe),
 * removed when the process exits, fails or is interrupted: for the second pass.
 */
class Spool {
  readonly path: string;
  private readonly fd: number;

  constructor(private readonly source: string) {
    // O_EXCL and 0600: a fresh file only this user can read, never someone's link.
    this.path = join(tmpdir(), `gmm-input-${randomBytes(8).toString('hex')}.csv`);
    try {
      this.fd = openSync(this.path, 'wx', 0o600);
    } catch (error) {
      throw this.cannotKeep(error);
    }
    trackTemporary(this.path);
    process.once('exit', () => rmSync(this.path, { force: true }));
  }

  /** All of the input is in: the copy is complete. */
  close(): void {
    closeSync(this.fd);
  }

  write(chunk: Uint8Array): void {
    try {
      writeSync(this.fd, chunk);
    } catch (error) {
      throw this.cannotKeep(error);
    }
  }

  private cannotKeep(error: unknown): GmmError {
    return new GmmError(
      'data',
      `${this.source}: cannot keep a copy in ${tmpdir()} for the second pass: ${describeFsError(error)}`,
      'save the data to a file and pass its path, or set TMPDIR to a disk with room',
    );
  }
}

/**
 * A file's bytes in chunks read into two buffers used in turn (the next read runs while
 * the current chunk is scanned). A chunk is valid until the next one is asked for:
 * reusing two buffers instead of a new one per chunk spares touching fresh memory,
 * which costs ~3 ms per MB here (a second per 400 MB file).
 */
async function* readFileChunks(path: string): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  let pending: Promise<unknown> | undefined;
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    let current = 0;
    pending = handle.read(buffers[current], 0, CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = (await pending) as { bytesRead: number };
      if (bytesRead === 0) return;
      const chunk = buffers[current].subarray(0, bytesRead);
      current ^= 1;
      pending = handle.read(buffers[current], 0, CHUNK_BYTES, null);
      yield chunk;
    }
  } finally {
    // stopped early (closed, or a failed row): let the read in flight finish first
    await pending?.catch(() => undefined);
    await handle.close();
  }
}

function dropByteOrderMark(chunk: Uint8Array): Uint8Array {
  return chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf
    ? chunk.subarray(3)
    : chunk;
}

/** The offset of the first \r or \n outside double quotes, or -1. */
function firstLineEnd(bytes: Buffer): number {
  let inQuotes = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && (byte === LF || byte === CR)) return i;
  }
  return -1;
}

/**
 * Refuses NUL bytes and invalid UTF-8 before the scanner sees them. At a bad byte the
 * bytes before it are scanned first (so an earlier problem is named first) and the
 * scanner says which line the bad byte is on.
 */
class ByteChecker {
  /** The start of a character cut by the end of the previous chunk. */
  private tail: Buffer = Buffer.alloc(0);

  constructor(private readonly source: string) {}

  feed(chunk: Uint8Array, scanner: CsvScanner): void {
    const nul = chunk.indexOf(0);
    const invalid = this.firstInvalid(chunk);
    if (nul === -1 && invalid === -1) {
      scanner.push(chunk);
      return;
    }
    const bad = nul === -1 ? invalid : invalid === -1 ? nul : Math.min(nul, invalid);
    scanner.push(chunk.subarray(0, bad));
    const line = scanner.nextLine();
    throw bad === nul ? nulByteError(this.source, line) : invalidUtf8Error(this.source, line);
  }

  end(scanner: CsvScanner): void {
    if (this.tail.length === 0) return;
    throw new GmmError(
      'data',
      `${this.source}: line ${scanner.nextLine()}: ends inside a UTF-8 character`,
      'the file may be cut short',
    );
  }

  /** The offset in `chunk` of the first byte of an invalid sequence, or -1. */
  private firstInvalid(chunk: Uint8Array): number {
    let start = 0;
    if (this.tail.length > 0) {
      // Complete the character the previous chunk cut: at most 3 more bytes.
      const joined = Buffer.concat([this.tail, chunk.subarray(0, 3)]);
      const needed = sequenceLength(joined[0]) - this.tail.length;
      if (firstInvalidUtf8(joined.subarray(0, this.tail.length + needed), false) !== -1) return 0;
      if (chunk.length < needed) {
        this.tail = joined;
        return -1;
      }
      start = needed;
      this.tail = Buffer.alloc(0);
    }
    const cut = completeCharactersEnd(chunk, start);
    if (!isUtf8(chunk.subarray(start, cut))) {
      return start + Math.max(0, firstInvalidUtf8(chunk.subarray(start, cut)));
    }
    this.tail = Buffer.from(chunk.subarray(cut));
    return -1;
  }
}

/** Bytes in the UTF-8 sequence a lead byte starts (1 for ASCII or an invalid lead). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** Where the last character that `chunk` holds whole ends (a sequence cut at the end is left). */
function completeCharactersEnd(chunk: Uint8Array, start: number): number {
  for (let i = chunk.length - 1; i >= Math.max(start, chunk.length - 3); i--) {
    const byte = chunk[i];
    if (byte < 0x80) return chunk.length;
    if (byte >= 0xc0) return i + sequenceLength(byte) > chunk.length ? i : chunk.length;
  }
  return chunk.length;
}

export { fieldText, recordFields, recordText, type ScannedRecord };

const DELIMITERS = [',', ';', '\t'] as const;

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

export function nulByteError(source: string, line: number): GmmError {
  return new GmmError(
    'data',
    `${source}: line ${line}: contains a NUL byte, so it is not a text CSV file`,
    'export the data as CSV text (UTF-8), or give --encoding utf-16le for a UTF-16 file',
  );
}

export function invalidUtf8Error(source: string, line: number): GmmError {
  return new GmmError(
    'data',
    `${source}: line ${line}: is not valid UTF-8`,
    `give its encoding, e.g. --encoding latin1 (or windows-1252, utf-16le), or convert it first: iconv -f latin1 -t utf-8 ${source} > utf8.csv`,
  );
}

/** Every row must have as many fields as the header. */
export function checkFieldCount(
  fieldCount: number,
  headerLength: number,
  line: number,
  source: string,
  delimiter: string,
): void {
  if (fieldCount === headerLength) return;
  const hint =
    fieldCount > headerLength
      ? `a field may hold an unquoted ${JSON.stringify(delimiter)}: quote it, or check the delimiter`
      : 'fill in the missing fields (empty is fine) so every row matches the header';
  throw new GmmError(
    'data',
    `${source}: line ${line}: has ${fieldCount} fields, but the header has ${headerLength}`,
    hint,
  );
}
