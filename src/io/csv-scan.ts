import { CR, DOT, LF, MINUS, QUOTE, ZERO } from './ascii.js';
import { quoteValue } from './quote-value.js';
import { EXACT_POWERS_OF_TEN, MAX_EXACT_DIGITS } from './parse-number.js';
import { GmmError } from '../errors.js';

/**
 * One record found by the scanner, valid only during the callback (the arrays are
 * reused). Field f is bytes [starts[f], ends[f]) of `bytes`; a quoted field's bounds
 * are inside its quotes and it may hold doubled quotes ("") still to be undone.
 */
export interface ScannedRecord {
  bytes: Uint8Array;
  nFields: number;
  starts: Int32Array;
  ends: Int32Array;
  /** 1 where field f was quoted. */
  quoted: Uint8Array;
  /**
   * Field f's value when it is a plain decimal number ([-]digits[.digits], at most 15
   * digits: exactly Number(text)), else NaN — which says nothing: ask parseNumberBytes.
   */
  numbers: Float64Array;
  /** 1-based line where the record ends (its last line, as csv-parse counts). */
  line: number;
  /** The record's own bytes [start, end), without its line ending. */
  start: number;
  end: number;
}

/** Record delimiters, discovered from the first line ending outside quotes (as csv-parse does). */
const enum RecordDelimiter {
  Unknown,
  Lf,
  CrLf,
  Cr,
}

/** A field's value as text: UTF-8 decoded, doubled quotes undone in a quoted field. */
export function fieldText(record: ScannedRecord, field: number): string {
  const text = utf8(record.bytes, record.starts[field], record.ends[field]);
  return record.quoted[field] === 1 ? text.replaceAll('""', '"') : text;
}

/** Bytes [start, end) decoded as UTF-8, without a Buffer view (see EMPTY). */
function utf8(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.prototype.utf8Slice.call(bytes, start, end) as string;
}

/** The record's line(s) as written: its fields with their quotes and delimiters. */
export function recordText(record: ScannedRecord): string {
  return utf8(record.bytes, record.start, record.end);
}

/** Every field of a record as text. */
export function recordFields(record: ScannedRecord): string[] {
  const fields: string[] = new Array(record.nFields);
  for (let f = 0; f < record.nFields; f++) fields[f] = fieldText(record, f);
  return fields;
}

/**
 * A CSV scanner over bytes, fed chunk by chunk: the RFC 4180 rules csv-parse applies
 * with the options gmm always used (a given one-byte delimiter, `"` quotes doubled
 * inside quoted fields, line endings discovered from the first one — \r\n, \n or \r —,
 * empty lines skipped, a ragged row left for the caller to judge), with csv-parse's
 * line numbers. It hands over records as byte ranges, so a caller can read numbers
 * straight from the bytes: csv-parse makes a string of every cell and runs at
 * ~24 MB/s here, this at several hundred.
 *
 * The input must be UTF-8 without a byte-order mark (see the callers); UTF-8 never
 * uses the bytes of `"`, `,`, `;`, tab, \r or \n inside a multi-byte character, so
 * scanning bytes is scanning characters.
 */
/**
 * No bytes. Every array the scanner reads is a plain Uint8Array (not a Buffer, a
 * subclass): with one kind of array its loops stay monomorphic, measured ~30% faster.
 */
export const EMPTY = new Uint8Array(0);

export class CsvScanner {
  private readonly record: ScannedRecord = {
    bytes: new Uint8Array(0),
    nFields: 0,
    starts: new Int32Array(64),
    ends: new Int32Array(64),
    quoted: new Uint8Array(64),
    numbers: new Float64Array(64),
    line: 1,
    start: 0,
    end: 0,
  };
  /** The start of an unfinished record, kept for the next chunk. */
  private carry: Uint8Array = new Uint8Array(0);
  private recordDelimiter = RecordDelimiter.Unknown;
  /**
   * csv-parse's line count: every \r or \n read one at a time adds a line, when the
   * next byte is read (so a file's final line ending adds none); \r\n as the record
   * delimiter counts once.
   */
  private line = 1;
  private pendingBreak = false;

  /** Set by pause(): the scan stops after the record being handed over. */
  private paused = false;
  /** 1 for the bytes that end an unquoted run: the delimiter, \r, \n and the quote. */
  private readonly special = new Uint8Array(256);

  /**
   * @param onRecord called with each record; it may be replaced between pushes, and
   *   may call `pause()` to stop the scan after the record it was given.
   * @param decimalPoint the byte of the decimal mark the numbers are read with (`.`,
   *   or `,` under --decimal ,, where the delimiter is then not a comma).
   */
  constructor(
    private readonly source: string,
    private readonly delimiter: number,
    public onRecord: (record: ScannedRecord) => void,
    private readonly decimalPoint = DOT,
  ) {
    for (const byte of [delimiter, LF, CR, QUOTE]) this.special[byte] = 1;
  }

  /** Stops the current push after the record being handed over; `push(EMPTY)` goes on. */
  pause(): void {
    this.paused = true;
  }

  /**
   * The line of the next byte to be pushed: past the records handed over, plus the
   * line breaks in the unfinished record held back. For naming the line of a bad byte.
   */
  nextLine(): number {
    let line = this.line + (this.pendingBreak ? 1 : 0);
    const carry = this.carry;
    for (let i = 0; i < carry.length; i++) {
      if (carry[i] === LF || (carry[i] === CR && carry[i + 1] !== LF)) line++;
    }
    return line;
  }

  /** Scans a chunk, handing over every record completed in it. */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    let from = 0;
    if (this.carry.length > 0) {
      // Finish the record held back with the chunk's first line, rather than copying the
      // whole chunk behind it; if that does not finish it (a quoted line break), join all.
      const lineEnd = chunk.indexOf(LF);
      if (lineEnd === -1) bytes = concat(this.carry, chunk);
      else {
        const head = concat(this.carry, chunk.subarray(0, lineEnd + 1));
        const consumed = this.scan(head, 0, false);
        const rest = chunk.subarray(lineEnd + 1);
        if (this.paused) {
          // Paused: everything not scanned yet waits for the next push.
          this.paused = false;
          this.carry = concat(head.subarray(consumed), rest);
          return;
        }
        if (consumed === head.length) from = lineEnd + 1;
        else bytes = concat(head.subarray(consumed), rest);
      }
    }
    const consumed = this.scan(bytes, from, false);
    this.paused = false;
    // A copy: the caller may reuse its chunk (Buffer.slice would be a view of it).
    this.carry =
      consumed === bytes.length ? EMPTY : Uint8Array.prototype.slice.call(bytes, consumed);
  }

  /** The input has ended: the last record (if any) is handed over. */
  end(): void {
    this.scan(this.carry, 0, true);
    this.paused = false;
    this.carry = EMPTY;
  }

  /**
   * Scans whole records from the start of `bytes` and returns how many bytes were
   * consumed. Without `final`, a record not finished in `bytes` (or whose end needs a
   * byte not yet read) is left, to be scanned again from its start with more bytes;
   * the line count and record delimiter are committed only with whole records.
   */
  private scan(bytes: Uint8Array, from: number, final: boolean): number {
    const length = bytes.length;
    const delimiter = this.delimiter;
    const decimalPoint = this.decimalPoint;
    const special = this.special;
    const record = this.record;
    record.bytes = bytes;
    let pos = from;
    for (;;) {
      if (pos >= length) return length;
      const recordStart = pos;
      let line = this.line;
      let pendingBreak = this.pendingBreak;
      let recordDelimiter = this.recordDelimiter;
      if (pendingBreak) {
        line++;
        pendingBreak = false;
      }
      let nFields = 0;
      for (;;) {
        // One field from `pos`: [start, end), quoted or not; `pos` ends at what follows it.
        let start = pos;
        let end: number;
        let quoted = false;
        let value = Number.NaN;
        if (pos < length && bytes[pos] === QUOTE) {
          quoted = true;
          start = ++pos;
          // Named if the quote is never closed: the rest of the file is then one field.
          const openingLine = line;
          for (;;) {
            if (pos >= length) {
              if (!final) return recordStart;
              throw new GmmError(
                'data',
                `${this.source}: line ${openingLine}: a quoted field starts here but is never closed`,
                'add the closing double quote, or double a quote inside a field ("")',
              );
            }
            const byte = bytes[pos];
            if (byte === QUOTE) {
              const next = pos + 1 < length ? bytes[pos + 1] : -1;
              if (next === QUOTE) {
                pos += 2;
                continue;
              }
              const closes = closingQuoteFollower(
                bytes,
                pos + 1,
                delimiter,
                recordDelimiter,
                final,
              );
              if (closes === NEED_MORE) return recordStart;
              if (closes === INVALID) {
                throw new GmmError(
                  'data',
                  `${this.source}: line ${line}: text follows a closing quote inside a field`,
                  'write a quote inside a quoted field as two quotes ("")',
                );
              }
              end = pos++;
              break;
            }
            pos++;
            if (byte === LF || byte === CR) {
              if (pos < length) line++;
              else pendingBreak = true;
            }
          }
        } else {
          // Read on the way: a plain decimal number ([-]digits[.digits], 15 digits at
          // most), which most cells of a numeric CSV are; anything else leaves NaN.
          let negative = false;
          if (pos < length && bytes[pos] === MINUS) {
            negative = true;
            pos++;
          }
          let mantissa = 0;
          let digits = 0;
          let decimals = -1;
          let plain = true;
          for (;;) {
            while (pos < length) {
              const byte = bytes[pos];
              if (special[byte] !== 0) break;
              const digit = byte - ZERO;
              if (digit >= 0 && digit <= 9) {
                mantissa = mantissa * 10 + digit;
                digits++;
                if (decimals >= 0) decimals++;
              } else if (byte === decimalPoint && decimals < 0) decimals = 0;
              else plain = false;
              pos++;
            }
            if (pos < length && bytes[pos] === QUOTE) {
              const before = utf8(bytes, start, pos);
              throw new GmmError(
                'data',
                `${this.source}: line ${line}, field ${nFields + 1}: a quote inside a field that does not start with one (after ${quoteValue(before)})`,
                'quote the whole field and double each quote inside it ("5 ""big"" ones")',
              );
            }
            if (pos >= length || bytes[pos] === delimiter) break;
            // \r or \n: the record delimiter ends the field; any other line break is part of it.
            if (recordDelimiter === RecordDelimiter.Unknown) {
              if (bytes[pos] === CR && pos + 1 >= length && !final) return recordStart;
              recordDelimiter = discoverRecordDelimiter(bytes, pos);
            }
            const terminator = recordDelimiterLength(bytes, pos, recordDelimiter, final);
            if (terminator === NEED_MORE) return recordStart;
            if (terminator > 0) break;
            pos++;
            plain = false;
            if (pos < length) line++;
            else pendingBreak = true;
          }
          end = pos;
          if (plain && digits > 0 && digits <= MAX_EXACT_DIGITS) {
            // m or m / 10^k: one correctly rounded operation, so exactly Number(text).
            const magnitude = decimals > 0 ? mantissa / EXACT_POWERS_OF_TEN[decimals] : mantissa;
            value = negative ? -magnitude : magnitude;
          }
        }
        // What follows the field: the end of the input, a delimiter or the record delimiter.
        if (pos >= length) {
          if (!final) return recordStart;
          if (nFields > 0 || end > start || quoted) {
            this.addField(nFields++, start, end, quoted, value);
            this.emit(nFields, line, recordStart, pos);
          }
          this.commit(line, pendingBreak, recordDelimiter);
          return length;
        }
        if (bytes[pos] === delimiter) {
          this.addField(nFields++, start, end, quoted, value);
          pos++;
          continue;
        }
        if (recordDelimiter === RecordDelimiter.Unknown) {
          if (bytes[pos] === CR && pos + 1 >= length && !final) return recordStart;
          recordDelimiter = discoverRecordDelimiter(bytes, pos);
        }
        const terminator = recordDelimiterLength(bytes, pos, recordDelimiter, final);
        if (terminator === NEED_MORE) return recordStart;
        const recordEnd = pos;
        pos += terminator;
        const recordLine = line;
        if (pos < length) line++;
        else pendingBreak = true;
        if (nFields > 0 || end > start || quoted) {
          this.addField(nFields++, start, end, quoted, value);
          this.emit(nFields, recordLine, recordStart, recordEnd);
        }
        // An empty line is skipped: nothing is emitted, but it counts as a line.
        this.commit(line, pendingBreak, recordDelimiter);
        if (this.paused) return pos;
        break;
      }
    }
  }

  private emit(nFields: number, line: number, start: number, end: number): void {
    const record = this.record;
    record.nFields = nFields;
    record.line = line;
    record.start = start;
    record.end = end;
    this.onRecord(record);
  }

  private commit(line: number, pendingBreak: boolean, recordDelimiter: RecordDelimiter): void {
    this.line = line;
    this.pendingBreak = pendingBreak;
    this.recordDelimiter = recordDelimiter;
  }

  private addField(
    field: number,
    start: number,
    end: number,
    quoted: boolean,
    value: number,
  ): void {
    const record = this.record;
    if (field === record.starts.length) {
      record.starts = doubled(record.starts);
      record.ends = doubled(record.ends);
      record.numbers = doubled(record.numbers);
      record.quoted = doubled(record.quoted);
    }
    record.starts[field] = start;
    record.ends[field] = end;
    record.quoted[field] = quoted ? 1 : 0;
    record.numbers[field] = value;
  }
}

const NEED_MORE = -1;
const INVALID = -2;

/** The first line ending outside quotes sets the record delimiter, as csv-parse discovers it. */
function discoverRecordDelimiter(bytes: Uint8Array, pos: number): RecordDelimiter {
  if (bytes[pos] === LF) return RecordDelimiter.Lf;
  return bytes[pos + 1] === LF ? RecordDelimiter.CrLf : RecordDelimiter.Cr;
}

/**
 * The length of the record delimiter at `pos` (a \r or \n): 1 or 2; 0 when this byte
 * is a line break that is not the delimiter (it belongs to the field); NEED_MORE when
 * the next byte must be read first.
 */
function recordDelimiterLength(
  bytes: Uint8Array,
  pos: number,
  recordDelimiter: RecordDelimiter,
  final: boolean,
): number {
  const byte = bytes[pos];
  switch (recordDelimiter) {
    case RecordDelimiter.Lf:
      return byte === LF ? 1 : 0;
    case RecordDelimiter.Cr:
      return byte === CR ? 1 : 0;
    default:
      if (byte !== CR) return 0;
      if (pos + 1 >= bytes.length) return final ? 0 : NEED_MORE;
      return bytes[pos + 1] === LF ? 2 : 0;
  }
}

/**
 * Whether a quote closes its field, judged by the byte after it (at `pos`): the end of
 * the input, the delimiter or the record delimiter may follow (1); anything else is
 * INVALID; NEED_MORE when that cannot be told yet.
 */
function closingQuoteFollower(
  bytes: Uint8Array,
  pos: number,
  delimiter: number,
  recordDelimiter: RecordDelimiter,
  final: boolean,
): number {
  if (pos >= bytes.length) return final ? 1 : NEED_MORE;
  const next = bytes[pos];
  if (next === delimiter) return 1;
  if (recordDelimiter === RecordDelimiter.Unknown) return next === LF || next === CR ? 1 : INVALID;
  const terminator = recordDelimiterLength(bytes, pos, recordDelimiter, final);
  if (terminator === NEED_MORE) return NEED_MORE;
  return terminator > 0 ? 1 : INVALID;
}

/** A copy of `array` in one twice as long. */
export function doubled<T extends Int32Array | Uint8Array | Float64Array>(array: T): T {
  const wider = new (array.constructor as new (length: number) => T)(array.length * 2);
  wider.set(array);
  return wider;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  // Not zero-filled (every byte is written just below), and a plain Uint8Array (see EMPTY).
  const joined = plainBytes(Buffer.allocUnsafe(a.length + b.length));
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** The same bytes as a plain Uint8Array view (no copy). */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
