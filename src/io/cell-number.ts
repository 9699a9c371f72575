import { fieldText, type ScannedRecord } from './csv-reader.js';
import {
  decimalByte,
  isMissingCell,
  parseNumberBytes,
  parseNumberCell,
  type DecimalMark,
} from './parse-number.js';

/**
 * The one step from a CSV cell to a number, taken by both readers: the whole-file one
 * (read-columns.ts: fit, select-k) and the row stream (csv-stream.ts: predict, score).
 * The scanner has read most cells as numbers already; the rest are parsed from their
 * bytes, and only a cell whose bytes are not a plain number becomes a string, whose text
 * then says what it is: a number written otherwise, a missing value, or text.
 */

/** What a cell holds: a number, a missing value ("", "NA", …), or text that is neither. */
export type CellKind = 'number' | 'missing' | 'text';

/** A cell read: its number (NaN when it holds none) and, when its bytes were not a plain number, its text. */
export interface CellReading {
  value: number;
  kind: CellKind;
  /** The cell as written, read only when its bytes were not a plain number. */
  text: string | undefined;
}

/** Reads cells of scanned records into one reused CellReading (no object per cell). */
export class CellReader {
  private readonly decimalPoint: number;
  private readonly reading: CellReading = { value: Number.NaN, kind: 'number', text: undefined };

  constructor(private readonly decimal: DecimalMark) {
    this.decimalPoint = decimalByte(decimal);
  }

  /** Field `field` of `record` (the result is reused by the next call). */
  read(record: ScannedRecord, field: number): Readonly<CellReading> {
    const reading = this.reading;
    let value = record.numbers[field];
    if (value !== value && record.quoted[field] === 0) {
      value = parseNumberBytes(
        record.bytes,
        record.starts[field],
        record.ends[field],
        this.decimalPoint,
      );
    }
    if (value === value) {
      reading.value = value;
      reading.kind = 'number';
      reading.text = undefined;
      return reading;
    }
    const text = fieldText(record, field);
    reading.value = parseNumberCell(text, this.decimal);
    reading.kind = reading.value === reading.value ? 'number' : kindOfText(text);
    reading.text = text;
    return reading;
  }
}

/** What a cell that is not a number is. */
function kindOfText(text: string): CellKind {
  return isMissingCell(text) ? 'missing' : 'text';
}

/**
 * A row with a missing modelled cell: an error, dropped, or kept (em: the fit and
 * the scores use its observed cells; its missing ones are NaN in the matrix).
 */
export type MissingPolicy = 'error' | 'drop' | 'em';

/**
 * What the missing-value policy does with a modelled cell that holds no number: text is
 * always refused; a missing cell is refused (error), leaves its row out (drop), or stays
 * NaN for EM to integrate out (em).
 */
export function missingCellAction(
  kind: Exclude<CellKind, 'number'>,
  missing: MissingPolicy,
): 'refuse' | 'dropRow' | 'keep' {
  if (kind === 'text' || missing === 'error') return 'refuse';
  return missing === 'drop' ? 'dropRow' : 'keep';
}
