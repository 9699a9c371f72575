import { describeColumn, quoteValue } from './quote-value.js';
import type { CellRef, ColumnData, ColumnTable } from './read-columns.js';
import { GmmError } from '../errors.js';

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
  /** What the user typed for each selected column, for the "selected twice" message. */
  const typed: string[] = [];
  for (const spec of specs) {
    if (exactMatches(spec, header).length > 0) {
      selected.push(resolveOne(spec, header));
      typed.push(spec);
      continue;
    }
    for (const piece of spec.split(',')) {
      selected.push(resolveOne(piece.trim(), header));
      typed.push(piece.trim());
    }
  }
  const seen = new Map<number, string>();
  selected.forEach((column, c) => {
    const earlier = seen.get(column.index);
    if (earlier !== undefined) {
      throw new GmmError(
        'usage',
        `${describeColumn(header, column.index)} is selected twice (as ${quoteValue(earlier)} and ${quoteValue(typed[c])})`,
        'name each column once',
      );
    }
    seen.set(column.index, typed[c]);
  });
  return selected;
}

/**
 * Modelled columns must have distinct names: the model finds its columns by name
 * (predict, score), and one name for two columns would make the model unreadable.
 */
export function checkDistinctNames(
  columns: readonly SelectedColumn[],
  header: readonly string[],
): void {
  const first = new Map<string, number>();
  for (const column of columns) {
    const earlier = first.get(column.name);
    if (earlier !== undefined) {
      throw new GmmError(
        'data',
        `columns ${earlier + 1} and ${column.index + 1} are both named ${quoteValue(column.name)}: a model cannot tell them apart`,
        `rename one of them in the header; the columns are: ${listHeaders(header)}`,
      );
    }
    first.set(column.name, column.index);
  }
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
    throw new GmmError(
      'usage',
      'an empty column name in --cols',
      `the columns are: ${listHeaders(header)}`,
    );
  }
  const exact = exactMatches(spec, header);
  if (exact.length === 1) return { index: exact[0], name: header[exact[0]], typed: undefined };
  if (exact.length > 1) {
    throw new GmmError(
      'usage',
      `column name ${quoteValue(spec)} appears ${exact.length} times (columns ${exact.map((i) => i + 1).join(', ')})`,
      'select the one you mean by its 1-based number',
    );
  }
  if (/^\d+$/.test(spec)) {
    const index = Number(spec) - 1;
    if (index < 0 || index >= header.length) {
      throw new GmmError(
        'usage',
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
    throw new GmmError(
      'usage',
      `no column matches ${quoteValue(spec)}`,
      `the columns are: ${listHeaders(header)}`,
    );
  }
  throw new GmmError(
    'usage',
    `${quoteValue(spec)} matches ${matches.length} columns: ${matches.map((i) => describeColumn(header, i)).join(', ')}`,
    'use more of the name, or the column number',
  );
}

/** `1 "CustomerID", 2 "Gender", …` for hints. */
export function listHeaders(header: readonly string[]): string {
  return header.map((h, i) => `${i + 1} ${quoteValue(h)}`).join(', ');
}

/** A column whose every present value is a number (and at least one is present). */
export function isNumericColumn(column: ColumnData): boolean {
  return column.nText === 0 && column.nNumbers > 0;
}

/** Names that say "identifier": id, ID, index, customer_id, user id, CustomerID, customerId. */
const ID_WHOLE_NAME = /^(id|index|#|row|rownum|row_?number|unnamed: ?\d+)$/i;
const ID_SUFFIX = /[_\-\s.]id$/i;
const ID_CAMEL_SUFFIX = /[a-z0-9](ID|Id)$/;

function isIdName(header: string): boolean {
  const name = header.trim();
  return ID_WHOLE_NAME.test(name) || ID_SUFFIX.test(name) || ID_CAMEL_SUFFIX.test(name);
}

/** Columns gmm itself writes (labelled CSV, score, sample): results, not measurements. */
const GMM_OUTPUT_COLUMN = /^(segment|certainty|log_density|anomaly|p_\d+)$/;

/**
 * The columns the default selection looks at: all but gmm's own outputs and those
 * named like identifiers (they are never modelled by default, nor warned about).
 */
export function defaultCandidates(header: readonly string[]): number[] {
  return header.flatMap((name, index) =>
    GMM_OUTPUT_COLUMN.test(name) || isIdName(name) ? [] : [index],
  );
}

/** An identifier column: named like one, or holding consecutive integers (row numbers). */
function isIdLikeColumn(table: ColumnTable, column: ColumnData): boolean {
  return isIdName(table.header[column.index]) || (table.nRows >= 3 && column.consecutiveIntegers);
}

/**
 * The default model columns: every numeric column except id-like ones and gmm's own
 * outputs (`table` read with defaultCandidates). A name shared by two columns is refused
 * rather than guessed at: say which one by its number.
 */
export function defaultColumns(table: ColumnTable): SelectedColumn[] {
  const columns: SelectedColumn[] = [];
  for (const index of defaultCandidates(table.header)) {
    const column = table.columns.get(index);
    if (column !== undefined && isNumericColumn(column) && !isIdLikeColumn(table, column)) {
      columns.push({ index, name: table.header[index], typed: undefined });
    }
  }
  if (columns.length === 0) {
    throw new GmmError(
      'data',
      `${table.source}: has no numeric columns to model`,
      `choose columns with --cols; the columns are: ${listHeaders(table.header)}`,
    );
  }
  for (const column of columns) {
    const same = exactMatches(column.name, table.header);
    if (same.length > 1) {
      throw new GmmError(
        'data',
        `${table.source}: column name ${quoteValue(column.name)} appears ${same.length} times (columns ${same.map((i) => i + 1).join(', ')})`,
        'say which to model with --cols and its 1-based number, or rename one',
      );
    }
  }
  return columns;
}

/**
 * Columns whose cells are mostly numbers but not all, with their first other cell:
 * the default selection leaves them out, which a user would not guess from "12%" or
 * "1,234" in one row of 10,000.
 */
export function mostlyNumericColumns(table: ColumnTable): { index: number; cell: CellRef }[] {
  return defaultCandidates(table.header).flatMap((index) => {
    const column = table.columns.get(index);
    return column?.firstText !== undefined && column.nNumbers > column.nText
      ? [{ index, cell: column.firstText }]
      : [];
  });
}
