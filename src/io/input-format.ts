import { open } from 'node:fs/promises';

/** What an input file is read as: `auto` looks at its first bytes. */
export type InputFormat = 'auto' | 'csv' | 'parquet';

export const INPUT_FORMATS: readonly InputFormat[] = ['auto', 'csv', 'parquet'];

/** Parquet files start (and end) with these four bytes. */
const PARQUET_MAGIC = 'PAR1';

/** Whether `path` is a Parquet file: its first bytes are PAR1 (whatever its name). */
export async function isParquetFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false; // the CSV reader says why it cannot be read
  }
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.toString('latin1') === PARQUET_MAGIC;
  } finally {
    await handle.close();
  }
}
