/**
 * The labelled table as Parquet when its path ends in `.parquet` (fit --labels,
 * predict --labels, score --out), written by hyparquet-writer; CSV otherwise. The CSV
 * text the writers produce is gathered, then typed column by column: a column of
 * integers (within int32) is INT32, of numbers DOUBLE, anything else STRING; an empty
 * cell is NULL. The whole table is held until the file is written (atomically), so
 * Parquet output suits tables that fit in memory several times over; the
 * probabilities keep the 6 decimals of the CSV.
 */
import type { ColumnSource } from 'hyparquet-writer';
import { CsvScanner, plainBytes, recordFields } from './csv-scan.js';
import { parseNumberCell } from './parse-number.js';
import { openOutput, writeFileAtomic, type OutputSink } from './write-output.js';

export function isParquetPath(path: string): boolean {
  return /\.parquet$/i.test(path);
}

/** An output sink for the labelled table: Parquet for a `.parquet` path, else openOutput's CSV. */
export function openTableOutput(
  path: string,
  stdout: NodeJS.WritableStream & { isTTY?: boolean },
  delimiter: string,
): OutputSink {
  if (!isParquetPath(path)) return openOutput(path, stdout);
  const parts: string[] = [];
  return {
    async write(text) {
      parts.push(text);
    },
    async commit() {
      writeFileAtomic(path, new Uint8Array(await csvTextAsParquet(parts.join(''), delimiter)));
    },
    abort() {
      parts.length = 0;
    },
  };
}

/** CSV text (header first) as a Parquet file's bytes. */
export async function csvTextAsParquet(text: string, delimiter: string): Promise<ArrayBuffer> {
  // hyparquet-writer is loaded only when a Parquet file is written
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const records: string[][] = [];
  const scanner = new CsvScanner('labels', delimiter.charCodeAt(0), (record) => {
    records.push(recordFields(record));
  });
  scanner.push(plainBytes(Buffer.from(text, 'utf8')));
  scanner.end();
  const [header, ...rows] = records;
  const columnData: ColumnSource[] = header.map((name, j) => typedColumn(name, rows, j));
  return parquetWriteBuffer({ columnData });
}

function typedColumn(name: string, rows: readonly string[][], j: number): ColumnSource {
  const numbers: (number | null)[] = [];
  let integers = true;
  for (const row of rows) {
    const cell = row[j];
    if (cell === '') {
      numbers.push(null);
      continue;
    }
    const value = parseNumberCell(cell);
    if (Number.isNaN(value)) {
      return { name, type: 'STRING', data: rows.map((r) => (r[j] === '' ? null : r[j])) };
    }
    if (!(Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1)) integers = false;
    numbers.push(value);
  }
  return { name, type: integers ? 'INT32' : 'DOUBLE', data: numbers };
}
