import { DataError, describeColumn, quoteValue } from './data-error.js';
import { isMissingCell, parseNumberCell } from './parse-number.js';
import type { Table } from './parse-csv.js';

/** A problem with what the user typed (an option value): exit code 2. */
export class SelectionError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'SelectionError';
    this.hint = hint;
  }
}

export interface SelectedColumn {
  /** 0-based index in the header. */
  readonly index: number;
  readonly name: string;
  /** What the user typed for it, when they named it by a fragment ("income"); a label's short name. */
  readonly typed: string | undefined;
}

/**
 * Resolves each --cols value: first the whole value as an exact header (so a header
 * holding a comma can be named), then each comma-separated piece as an exact header,
 * a 1-based index, or a case-insensitive fragment matching exactly one header.
 */
export function resolveColumns(
  specs: readonly string[],
  header: readonly string[],
): SelectedColumn[] {
  const selected: SelectedColumn[] = [];
  for (const spec of specs) {
    if (exactMatches(spec, header).length > 0) {
      selected.push(resolveOne(spec, header));
      continue;
    }
    for (const piece of spec.split(',')) selected.push(resolveOne(piece.trim(), header));
  }
  const seen = new Map<number, string>();
  for (const column of selected) {
    const earlier = seen.get(column.index);
    if (earlier !== undefined) {
      throw new SelectionError(
        `${describeColumn(header, column.index)} is selected twice (as ${quoteValue(earlier)} and ${quoteValue(column.typed ?? column.name)})`,
        'name each column once',
      );
    }
    seen.set(column.index, column.typed ?? column.name);
  }
  return selected;
}

function exactMatches(name: string, header: readonly string[]): number[] {
  const matches: number[] = [];
  header.forEach((h, i) => {
    if (h === name) matches.push(i);
  });
  return matches;
}

function resolveOne(spec: string, header: readonly string[]): SelectedColumn {
  if (spec === '') {
    throw new SelectionError(
      'an empty column name in --cols',
      `the columns are: ${listHeaders(header)}`,
    );
  }
  const exact = exactMatches(spec, header);
  if (exact.length === 1) return { index: exact[0], name: header[exact[0]], typed: undefined };
  if (exact.length > 1) {
    throw new SelectionError(
      `column name ${quoteValue(spec)} appears ${exact.length} times (columns ${exact.map((i) => i + 1).join(', ')})`,
      'select the one you mean by its 1-based number',
    );
  }
  if (/^\d+$/.test(spec)) {
    const index = Number(spec) - 1;
    if (index < 0 || index >= header.length) {
      throw new SelectionError(
        `column number ${spec} is out of range: the file has ${header.length} columns`,
        `the columns are: ${listHeaders(header)}`,
      );
    }
    return { index, name: header[index], typed: undefined };
  }
  const fragment = spec.toLowerCase();
  const matches: number[] = [];
  header.forEach((h, i) => {
    if (h.toLowerCase().includes(fragment)) matches.push(i);
  });
  if (matches.length === 1) return { index: matches[0], name: header[matches[0]], typed: spec };
  if (matches.length === 0) {
    throw new SelectionError(
      `no column matches ${quoteValue(spec)}`,
      `the columns are: ${listHeaders(header)}`,
    );
  }
  throw new SelectionError(
    `${quoteValue(spec)} matches ${matches.length} columns: ${matches.map((i) => describeColumn(header, i)).join(', ')}`,
    'use more of the name, or the column number',
  );
}

/** `1 "CustomerID", 2 "Gender", …` for hints. */
export function listHeaders(header: readonly string[]): string {
  return header.map((h, i) => `${i + 1} ${quoteValue(h)}`).join(', ');
}

/** A column whose every present value is a number (and at least one is present). */
export function isNumericColumn(table: Table, index: number): boolean {
  let present = 0;
  for (const row of table.rows) {
    const cell = row[index];
    if (isMissingCell(cell)) continue;
    if (Number.isNaN(parseNumberCell(cell))) return false;
    present++;
  }
  return present > 0;
}

/** Names that say "identifier": id, ID, index, customer_id, user id, CustomerID, customerId. */
const ID_WHOLE_NAME = /^(id|index|#|row|rownum|row_?number|unnamed: ?\d+)$/i;
const ID_SUFFIX = /[_\-\s.]id$/i;
const ID_CAMEL_SUFFIX = /[a-z0-9](ID|Id)$/;

/** An identifier column: named like one, or holding consecutive integers (row numbers). */
export function isIdLikeColumn(table: Table, index: number): boolean {
  const name = table.header[index].trim();
  if (ID_WHOLE_NAME.test(name) || ID_SUFFIX.test(name) || ID_CAMEL_SUFFIX.test(name)) return true;
  const rows = table.rows;
  if (rows.length < 3) return false;
  const first = parseNumberCell(rows[0][index]);
  if (!Number.isInteger(first)) return false;
  for (let r = 1; r < rows.length; r++) {
    if (parseNumberCell(rows[r][index]) !== first + r) return false;
  }
  return true;
}

/** Columns gmm itself writes (labelled CSV, score, sample): results, not measurements. */
const GMM_OUTPUT_COLUMN = /^(segment|certainty|log_density|anomaly|p_\d+)$/;

/** The default model columns: every numeric column except id-like ones and gmm's own outputs. */
export function defaultColumns(table: Table): SelectedColumn[] {
  const columns: SelectedColumn[] = [];
  table.header.forEach((name, index) => {
    if (GMM_OUTPUT_COLUMN.test(name)) return;
    if (isNumericColumn(table, index) && !isIdLikeColumn(table, index)) {
      columns.push({ index, name, typed: undefined });
    }
  });
  if (columns.length === 0) {
    throw new DataError(
      `${table.source}: has no numeric columns to model`,
      `choose columns with --cols; the columns are: ${listHeaders(table.header)}`,
    );
  }
  return columns;
}
