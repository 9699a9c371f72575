import { recordFields, recordText, type CsvReader } from './csv-reader.js';

/** Rows read so far, handed over a batch at a time so memory stays flat. */
export interface CsvBatch {
  /** The rows' fields. */
  readonly rows: string[][];
  /** Each row as written in the input (quotes kept), for echoing it. */
  readonly lines: string[];
  /** 1-based line number of each row (where the record ends). */
  readonly lineNumbers: number[];
}

/** Rows handed over together: a small input is checked whole before anything is written. */
export const BATCH_ROWS = 4096;

/**
 * Reads every row of a CSV as text, a batch (at least BATCH_ROWS rows, or the rest)
 * at a time: `onBatch` is awaited before more is read, so a slow consumer holds the
 * reading back.
 */
export async function forEachBatch(
  reader: CsvReader,
  onBatch: (batch: CsvBatch) => Promise<void>,
): Promise<void> {
  let batch: CsvBatch = { rows: [], lines: [], lineNumbers: [] };
  await reader.readRows(
    (record) => {
      batch.rows.push(recordFields(record));
      batch.lines.push(recordText(record));
      batch.lineNumbers.push(record.line);
    },
    async () => {
      if (batch.rows.length < BATCH_ROWS) return;
      const full = batch;
      batch = { rows: [], lines: [], lineNumbers: [] };
      await onBatch(full);
    },
  );
  if (batch.rows.length > 0) await onBatch(batch);
}
