import { fieldText, type CsvReader, type ScannedRecord } from './csv-reader.js';
import { doubled } from './csv-scan.js';
import { CellReader } from './cell-number.js';
import type { DecimalMark } from './parse-number.js';
import { GmmError } from '../errors.js';

/**
 * The numbers read, row-major n×m (m = the columns whose numbers are kept; NaN where a
 * cell is not a number), in one growable SharedArrayBuffer: it grows in place as rows
 * arrive, becomes the engine's matrix without a copy, and is shared with worker
 * threads as it is. (Fresh memory is what costs here: on this machine every new page
 * costs ~3 ms per MB to touch, so the numbers are written once, where they stay.)
 */
export class RowMatrix {
  /** Growth step: large enough to grow rarely, small next to the data. */
  private static readonly GROWTH_BYTES = 32 << 20;
  /** The largest growable SharedArrayBuffer V8 allows here. */
  static readonly MAX_BYTES = 2 ** 32;

  readonly buffer: SharedArrayBuffer;
  /** The whole capacity as doubles (re-made when the buffer grows). */
  private view: Float64Array;
  nRows = 0;

  constructor(readonly nColumns: number) {
    this.buffer = reserveGrowable();
    this.view = new Float64Array(this.buffer);
  }

  /** Room for one more row: its offset in `values`, which may have been re-made. */
  appendRow(): number {
    const offset = this.nRows * this.nColumns;
    if (offset + this.nColumns > this.view.length) this.grow();
    this.nRows++;
    return offset;
  }

  get values(): Float64Array {
    return this.view;
  }

  get(row: number, slot: number): number {
    return this.view[row * this.nColumns + slot];
  }

  private grow(): void {
    const needed = (this.nRows + 1) * this.nColumns * 8;
    const limit = this.buffer.maxByteLength;
    const next = Math.min(limit, Math.max(needed, this.buffer.byteLength + RowMatrix.GROWTH_BYTES));
    if (needed > limit) throw new MatrixTooLargeError(this.nRows, this.nColumns, limit);
    this.buffer.grow(next - (next % 8));
    this.view = new Float64Array(this.buffer, 0, this.buffer.byteLength / 8);
  }
}

/**
 * A growable buffer reserves its largest size as address space up front: 4 GiB where
 * allowed, less under a limit on virtual memory (ulimit -v), down to 256 MiB.
 */
function reserveGrowable(): SharedArrayBuffer {
  for (let maxByteLength = RowMatrix.MAX_BYTES; ; maxByteLength /= 2) {
    try {
      return new SharedArrayBuffer(0, { maxByteLength });
    } catch (error) {
      if (!(error instanceof RangeError) || maxByteLength <= 2 ** 28) throw error;
    }
  }
}

/** The numbers of the columns read outgrow what the buffer can hold. */
export class MatrixTooLargeError extends Error {
  constructor(
    readonly nRows: number,
    readonly nColumns: number,
    readonly limitBytes: number,
  ) {
    super(`more than ${nRows} rows of ${nColumns} numeric columns`);
  }
}

/** A cell named in a message: its 0-based row, the line it ends on, its text. */
export interface CellRef {
  readonly row: number;
  readonly line: number;
  readonly value: string;
}

/** Category codes of a column kept as text (a profile column): each distinct cell once. */
export interface CategoryColumn {
  /** The distinct cells in order of first appearance. */
  readonly names: string[];
  /** n: the index in `names` of each row's cell. */
  readonly codes: Int32Array;
}

/** What was read of one column: its numbers, what its other cells were, and counts. */
export interface ColumnData {
  readonly index: number;
  /** Its place in the table's RowMatrix (NaN where missing or text); undefined when not kept. */
  readonly slot: number | undefined;
  readonly categories: CategoryColumn | undefined;
  readonly nNumbers: number;
  readonly nMissing: number;
  /** Cells that are neither numbers nor missing ("abc", "12%", "1e999"). */
  readonly nText: number;
  readonly firstText: CellRef | undefined;
  readonly firstMissing: CellRef | undefined;
  /** Every cell is the integer (first cell) + row: a row number. */
  readonly consecutiveIntegers: boolean;
  /** The first number the plan's `rejectNumber` refused (undefined: none, or no rule). */
  readonly firstRejected: CellRef | undefined;
}

/** How to read one column. */
export interface ColumnPlan {
  readonly index: number;
  /**
   * always: keep its numbers; whileNumeric: keep them until a text cell shows it is not
   * a numeric column (then only its counts go on); never: counts only.
   */
  readonly keepValues: 'always' | 'whileNumeric' | 'never';
  /** Also keep its cells as categories (a profile column that may be text). */
  readonly keepCategories: boolean;
  /** Numbers this column may not hold (e.g. a negative weight): the first is remembered. */
  readonly rejectNumber?: (value: number) => boolean;
}

/** The columns read from a CSV, with its header. */
export interface ColumnTable {
  readonly source: string;
  readonly header: readonly string[];
  /** The decimal mark the numbers were read with (for explaining a cell that is not one). */
  readonly decimal: DecimalMark;
  readonly nRows: number;
  /** The planned columns, by header index. */
  readonly columns: ReadonlyMap<number, ColumnData>;
  /** n×m: the numbers of the columns with a slot. */
  readonly matrix: RowMatrix;
}

/**
 * Reads the planned columns of every row: numbers parsed straight from the bytes into
 * blocks of Float64Array (no string per cell unless it is not a plain number), the
 * rest counted and its first cell remembered for messages. No row is kept whole.
 */
export async function readColumns(
  reader: CsvReader,
  plans: readonly ColumnPlan[],
  onChunk?: (rowsRead: number) => void,
): Promise<ColumnTable> {
  const nPlans = plans.length;
  let nSlots = 0;
  const decimal = reader.decimal;
  const cells = new CellReader(decimal);
  const columns = plans.map(
    (plan) => new ColumnState(plan, plan.keepValues === 'never' ? -1 : nSlots++),
  );
  const matrix = new RowMatrix(nSlots);
  // The per-cell path, kept to typed arrays: field index, slot (−1: none), numbers seen.
  const fields = Int32Array.from(plans, (plan) => plan.index);
  const slots = Int32Array.from(columns, (column) => column.slot);
  const numbers = new Float64Array(nPlans);
  const chunkDone = async () => onChunk?.(matrix.nRows);
  let nRows: number;
  try {
    nRows = await reader.readRows((record, row) => {
      const offset = matrix.appendRow();
      const values = matrix.values;
      for (let c = 0; c < nPlans; c++) {
        const cell = cells.read(record, fields[c]);
        const value = cell.value;
        const column = columns[c];
        if (cell.kind === 'number') numbers[c]++;
        else column.notANumber(cell.kind, cell.text!, record.line, row);
        if (slots[c] >= 0) values[offset + slots[c]] = value;
        if (column.watching) column.watch(record, row, value);
        if (column.rejecting && value === value) column.check(record, row, value);
        if (column.slot !== slots[c]) slots[c] = column.slot;
      }
    }, chunkDone);
  } catch (error) {
    if (!(error instanceof MatrixTooLargeError)) throw error;
    throw new GmmError(
      'data',
      `${reader.source}: has ${error.message}: more than gmm can hold here (${error.limitBytes / 2 ** 30} GiB of numbers)`,
      plans.length > 1
        ? 'model fewer columns (name them with --cols), or fit a sample of the rows'
        : 'fit a sample of the rows',
    );
  }
  return {
    source: reader.source,
    header: reader.header,
    decimal,
    nRows,
    columns: new Map(
      columns.map((column, c) => [column.plan.index, column.result(nRows, numbers[c])]),
    ),
    matrix,
  };
}

/** One column's reading beyond its plain numbers: other cells, row numbers, categories. */
class ColumnState {
  private readonly categoryCodes: Map<string, number> | undefined;
  private readonly categoryNames: string[] = [];
  private codes: Int32Array;
  private nMissing = 0;
  private nText = 0;
  private firstText: CellRef | undefined;
  private firstMissing: CellRef | undefined;
  private firstValue = Number.NaN;
  private consecutiveIntegers = true;
  /** Whether `watch` must see every cell (row numbers still possible, or categories). */
  watching = true;
  private firstRejected: CellRef | undefined;
  /** Whether `check` must see every number (the plan rejects some, none seen yet). */
  rejecting: boolean;

  /**
   * @param slot where its numbers go in each matrix row; −1 (or, once a text cell shows
   *   it is not numeric, after a `whileNumeric` plan) nowhere.
   */
  constructor(
    readonly plan: ColumnPlan,
    public slot: number,
  ) {
    this.categoryCodes = plan.keepCategories ? new Map() : undefined;
    this.codes = new Int32Array(plan.keepCategories ? 1024 : 0);
    this.rejecting = plan.rejectNumber !== undefined;
  }

  /** Remembers the first number the plan rejects. */
  check(record: ScannedRecord, row: number, value: number): void {
    if (!this.plan.rejectNumber!(value)) return;
    this.firstRejected = { row, line: record.line, value: fieldText(record, this.plan.index) };
    this.rejecting = false;
  }

  /** A cell that holds no number: counted, and the first of each kind remembered. */
  notANumber(kind: 'missing' | 'text', text: string, line: number, row: number): void {
    if (kind === 'missing') {
      this.nMissing++;
      this.firstMissing ??= { row, line, value: text };
      return;
    }
    this.nText++;
    this.firstText ??= { row, line, value: text };
    // Not a numeric column after all: its numbers are of no use (its slot stays, unread).
    if (this.plan.keepValues === 'whileNumeric') this.slot = -1;
  }

  /** Every cell while it may still be a row number column, or is kept as a category. */
  watch(record: ScannedRecord, row: number, value: number): void {
    if (this.consecutiveIntegers) {
      if (row === 0) {
        this.firstValue = value;
        this.consecutiveIntegers = Number.isInteger(value);
      } else this.consecutiveIntegers = value === this.firstValue + row;
    }
    if (this.categoryCodes !== undefined) this.addCategory(fieldText(record, this.plan.index), row);
    else this.watching = this.consecutiveIntegers;
  }

  private addCategory(text: string, row: number): void {
    const codes = this.categoryCodes!;
    let code = codes.get(text);
    if (code === undefined) {
      code = this.categoryNames.length;
      codes.set(text, code);
      this.categoryNames.push(text);
    }
    if (row === this.codes.length) this.codes = doubled(this.codes);
    this.codes[row] = code;
  }

  result(nRows: number, nNumbers: number): ColumnData {
    return {
      index: this.plan.index,
      slot: this.slot === -1 ? undefined : this.slot,
      categories:
        this.categoryCodes === undefined
          ? undefined
          : { names: this.categoryNames, codes: this.codes.subarray(0, nRows) },
      nNumbers,
      nMissing: this.nMissing,
      nText: this.nText,
      firstText: this.firstText,
      firstMissing: this.firstMissing,
      consecutiveIntegers: this.consecutiveIntegers && nRows > 0,
      firstRejected: this.firstRejected,
    };
  }
}
