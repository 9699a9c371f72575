import { COMMA, DOT, LOWER_E, MINUS, PLUS, UPPER_E, ZERO } from './ascii.js';

/** The decimal mark of the numbers in a file: `.`, or `,` (European exports, `--decimal ,`). */
export type DecimalMark = '.' | ',';

export const DECIMAL_MARKS: readonly DecimalMark[] = ['.', ','];

/** The byte of a decimal mark, for the byte readers. */
export function decimalByte(decimal: DecimalMark): number {
  return decimal === ',' ? COMMA : DOT;
}

/** Plain decimal numbers: 42, -3.5, .5, 1e-3. No hex, no thousands separators, no units. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Cells that mean "no value" in common exports (R, pandas, spreadsheets). */
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '#n/a', '?', '-', '.']);

export function isMissingCell(text: string): boolean {
  return MISSING_TOKENS.has(text.trim().toLowerCase());
}

/**
 * The number in a cell (surrounding spaces allowed), or NaN when the cell is not a
 * plain finite decimal number. With the decimal comma, `15,5` is 15.5 and a `.` is
 * not a number (in such exports it separates thousands: 1.234 is 1234, which gmm does
 * not guess). Callers explain a NaN with `explainNotANumber`.
 */
export function parseNumberCell(text: string, decimal: DecimalMark = '.'): number {
  let trimmed = text.trim();
  if (decimal === ',') {
    if (trimmed.includes('.')) return Number.NaN;
    trimmed = trimmed.replace(',', '.');
  }
  if (!DECIMAL.test(trimmed)) return Number.NaN;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}

/** Why a cell is not a number, and a hint, for the error message. */
export function explainNotANumber(
  text: string,
  decimal: DecimalMark = '.',
): { reason: string; hint: string } {
  const trimmed = text.trim();
  if (isMissingCell(text)) {
    return {
      reason: 'is not a number (a missing value)',
      hint: 'use --missing drop to leave out rows with a missing value, or --missing em to fit on their observed cells',
    };
  }
  if (decimal === ',') {
    if (/^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$/.test(trimmed)) {
      return {
        reason: 'is not a number',
        hint: 'remove the thousands separators (1234,5, not 1.234,5)',
      };
    }
    if (DECIMAL.test(trimmed) && trimmed.includes('.')) {
      return {
        reason: 'is not a number with --decimal ,',
        hint: 'with --decimal , write the decimal comma (1,5); leave --decimal out for 1.5',
      };
    }
    if (DECIMAL.test(trimmed.replace(',', '.'))) {
      return {
        reason: 'is too large for a number',
        hint: 'rescale the column (e.g. to thousands)',
      };
    }
  } else if (DECIMAL.test(trimmed)) {
    return { reason: 'is too large for a number', hint: 'rescale the column (e.g. to thousands)' };
  }
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(trimmed)) {
    return { reason: 'is not a number', hint: 'remove the thousands separators (1234, not 1,234)' };
  }
  if (/^[+-]?\d+,\d+$/.test(trimmed)) {
    return {
      reason: 'is not a number',
      hint: 'use a decimal point (1.5, not 1,5), or read the file with --decimal , (a ; or tab delimiter)',
    };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)\s*%$/.test(trimmed)) {
    return { reason: 'is not a number', hint: 'remove the % sign (write 12, or 0.12)' };
  }
  if (/^[+-]?0x[0-9a-f]+$/i.test(trimmed)) {
    return { reason: 'is not a number', hint: 'write numbers in decimal' };
  }
  if (/^[+-]?(inf|infinity)$/i.test(trimmed)) {
    return {
      reason: 'is not a finite number',
      hint: 'replace infinite values, or leave the cell empty and use --missing drop',
    };
  }
  return {
    reason: 'is not a number',
    hint: 'choose numeric columns with --cols, or fix the value',
  };
}

/** Exact powers of ten: every 10^k with k ≤ 22 is a double. */
export const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Significant digits that fit a double's 53-bit integer exactly (10^15 < 2^53). */
export const MAX_EXACT_DIGITS = 15;

/**
 * parseNumberCell for the bytes [start, end) of an unquoted UTF-8 field, without
 * making a string: the same number, or NaN wherever parseNumberCell might not return
 * one (the caller then asks parseNumberCell with the text, which also explains it).
 *
 * Up to 15 digits and a power of ten within ±22, m·10^e or m/10^−e is one correctly
 * rounded operation on exact operands, so it equals Number(text) (Clinger's fast
 * path); anything longer goes through Number() on the ASCII text.
 */
export function parseNumberBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  decimalPoint = DOT,
): number {
  // Surrounding ASCII white space, as trim() drops it; a non-ASCII byte means NaN (ask the text).
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  let pos = start;
  let negative = false;
  if (pos < end && (bytes[pos] === PLUS || bytes[pos] === MINUS)) {
    negative = bytes[pos] === MINUS;
    pos++;
  }
  // Every digit goes into the mantissa; past 15 of them it may not be exact, and the
  // text decides (rare: leading zeros count too, but "0.000012345" is only 10).
  let mantissa = 0;
  let digits = 0;
  let exponent = 0;
  for (; pos < end; pos++) {
    const digit = bytes[pos] - ZERO;
    if (digit < 0 || digit > 9) break;
    mantissa = mantissa * 10 + digit;
    digits++;
  }
  if (pos < end && bytes[pos] === decimalPoint) {
    for (pos++; pos < end; pos++) {
      const digit = bytes[pos] - ZERO;
      if (digit < 0 || digit > 9) break;
      mantissa = mantissa * 10 + digit;
      digits++;
      exponent--;
    }
  }
  if (digits === 0) return Number.NaN;
  if (pos < end && (bytes[pos] === LOWER_E || bytes[pos] === UPPER_E)) {
    pos++;
    let exponentNegative = false;
    if (pos < end && (bytes[pos] === PLUS || bytes[pos] === MINUS)) {
      exponentNegative = bytes[pos] === MINUS;
      pos++;
    }
    // Never cut short: a long exponent must stay long (it lands outside ±22, on the slow path).
    let written = 0;
    let exponentDigits = 0;
    for (; pos < end; pos++) {
      const digit = bytes[pos] - ZERO;
      if (digit < 0 || digit > 9) break;
      exponentDigits++;
      written = written * 10 + digit;
    }
    if (exponentDigits === 0) return Number.NaN;
    exponent += exponentNegative ? -written : written;
  }
  if (pos !== end) return Number.NaN;
  let value: number;
  if (digits > MAX_EXACT_DIGITS || exponent > 22 || exponent < -22) {
    return parseNumberCell(
      Buffer.prototype.latin1Slice.call(bytes, start, end) as string,
      decimalPoint === COMMA ? ',' : '.',
    );
  }
  if (exponent === 0) value = mantissa;
  else if (exponent > 0) value = mantissa * EXACT_POWERS_OF_TEN[exponent];
  else value = mantissa / EXACT_POWERS_OF_TEN[-exponent];
  return negative ? -value : value;
}

/** The ASCII characters String.prototype.trim() removes: tab, LF, VT, FF, CR, space. */
function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}
