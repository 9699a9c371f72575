/** Plain decimal numbers: 42, -3.5, .5, 1e-3. No hex, no thousands separators, no units. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Cells that mean "no value" in common exports (R, pandas, spreadsheets). */
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '#n/a', '?', '-', '.']);

export function isMissingCell(text: string): boolean {
  return MISSING_TOKENS.has(text.trim().toLowerCase());
}

/**
 * The number in a cell (surrounding spaces allowed), or NaN when the cell is not a
 * plain finite decimal number. Callers explain a NaN with `explainNotANumber`.
 */
export function parseNumberCell(text: string): number {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return Number.NaN;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}

/** Why a cell is not a number, and a hint, for the error message. */
export function explainNotANumber(text: string): { reason: string; hint: string } {
  const trimmed = text.trim();
  if (isMissingCell(text)) {
    return {
      reason: 'is not a number (a missing value)',
      hint: 'use --missing drop to leave out rows with a missing value',
    };
  }
  if (DECIMAL.test(trimmed)) {
    return { reason: 'is too large for a number', hint: 'rescale the column (e.g. to thousands)' };
  }
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(trimmed)) {
    return { reason: 'is not a number', hint: 'remove the thousands separators (1234, not 1,234)' };
  }
  if (/^[+-]?\d+,\d+$/.test(trimmed)) {
    return { reason: 'is not a number', hint: 'use a decimal point, not a comma (1.5, not 1,5)' };
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
