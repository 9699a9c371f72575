import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCsv, recordFields, type CsvReader } from '../../src/io/csv-reader.js';
import { readColumns, type ColumnTable } from '../../src/io/read-columns.js';
import { defaultCandidates } from '../../src/io/select-columns.js';

const directory = mkdtempSync(join(tmpdir(), 'gmm-csv-test-'));
let written = 0;

/**
 * Opens CSV text (or bytes) as gmm opens a file: written to a temporary file first.
 * Messages name the file by its path, which `inTemporary` strips back to the name.
 */
export async function openCsvText(text: string | Buffer, name = 'data.csv'): Promise<CsvReader> {
  const folder = join(directory, String(written++));
  mkdirSync(folder);
  const path = join(folder, name);
  writeFileSync(path, text);
  return openCsv(path);
}

/** A message with the temporary folders of openCsvText taken out ("data.csv: line 3: …"). */
export function withoutFolder(message: string): string {
  return message.replaceAll(
    new RegExp(`${directory.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\d+/`, 'g'),
    '',
  );
}

/** Every row's fields and line number. */
export async function readAllRows(
  text: string | Buffer,
): Promise<{ header: string[]; delimiter: string; rows: string[][]; lines: number[] }> {
  const reader = await openCsvText(text);
  const rows: string[][] = [];
  const lines: number[] = [];
  await reader.readRows((record) => {
    rows.push(recordFields(record));
    lines.push(record.line);
  });
  return { header: reader.header, delimiter: reader.delimiter, rows, lines };
}

/** The columns the default selection would read (as gmm fit without --cols reads them). */
export async function readCandidateColumns(text: string): Promise<ColumnTable> {
  const reader = await openCsvText(text);
  return readColumns(
    reader,
    defaultCandidates(reader.header).map((index) => ({
      index,
      keepValues: 'whileNumeric' as const,
      keepCategories: false,
    })),
  );
}
