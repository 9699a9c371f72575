/**
 * Parquet input, read with hyparquet (pure JavaScript: ~0.7 MB installed with its
 * decompressors, ~50 ms to load, against @duckdb/node-api's 70 MB native binding and
 * ~600 ms; both read ~0.3M rows/s into JavaScript values here: bench/parquet_readers.mjs).
 *
 * A Parquet file becomes the same stream of UTF-8 CSV text a CSV file is, one row group
 * at a time, so that every reader of gmm's input (fit's column reader, predict's and
 * score's batches, the labelled CSV's second pass) takes it as it is: numbers written
 * with the shortest digits that round-trip (the scanner reads back the same double),
 * int64 exactly, DECIMAL as hyparquet decodes it (a double), NULL as an empty cell
 * (so --missing decides), text quoted as CSV needs. Line n of a message is row n − 1.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { formatCsvField } from './csv-format.js';
import { plainBytes } from './csv-scan.js';
import { GmmError } from '../errors.js';

/** The file's rows as CSV text (header first), a row group at a time. */
export async function* parquetAsCsvText(path: string): AsyncGenerator<Uint8Array> {
  let file;
  let metadata;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new GmmError(
      'data',
      `${path}: is not a readable Parquet file (${(error as Error).message})`,
      'check that the export is complete',
    );
  }
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  yield encode(`${columns.map((name) => formatCsvField(name, ',')).join(',')}\n`);
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    let rows: unknown[][] = [];
    try {
      await parquetRead({
        file,
        metadata,
        compressors,
        rowStart: start,
        rowEnd: end,
        onComplete: (data) => {
          rows = data;
        },
      });
    } catch (error) {
      throw new GmmError(
        'data',
        `${path}: rows ${start + 1}–${end} cannot be read (${(error as Error).message})`,
        'check that the export is complete, or write it again (e.g. with snappy or zstd compression)',
      );
    }
    let text = '';
    for (const row of rows) {
      for (let j = 0; j < row.length; j++) {
        if (j > 0) text += ',';
        text += cellText(row[j]);
      }
      text += '\n';
      if (text.length > 1 << 20) {
        yield encode(text);
        text = '';
      }
    }
    if (text.length > 0) yield encode(text);
    start = end;
  }
}

/** A Parquet value as a CSV cell. */
function cellText(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return formatCsvField(value, ',');
    case 'undefined':
      return '';
    default:
      if (value === null) return '';
      if (value instanceof Date) return value.toISOString();
      return formatCsvField(
        JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
        ',',
      );
  }
}

function encode(text: string): Uint8Array {
  return plainBytes(Buffer.from(text, 'utf8'));
}
