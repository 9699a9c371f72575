// Parquet readers compared for gmm's input (issue #15): start-up (import), and rows/s
// reading n rows × 5 numeric columns into JS values. Not part of `npm run bench`;
// run: node bench/parquet_readers.mjs [rows]. Writes its file with DuckDB first.
import { performance } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'gmm-parquet-bench-'));
const file = join(dir, 'data.parquet');

let t = performance.now();
const duck = await import('@duckdb/node-api');
const duckImport = performance.now() - t;
const connection = await (await duck.DuckDBInstance.create(':memory:')).connect();
await connection.run(
  `COPY (SELECT i AS id, random() AS a, (random() * 100)::INTEGER AS b,
     (random() * 1000)::DECIMAL(9, 2) AS c, random() * 1e6 AS d
   FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`,
);

t = performance.now();
const hyparquet = await import('hyparquet');
const { compressors } = await import('hyparquet-compressors');
const hyImport = performance.now() - t;

t = performance.now();
const buffer = await hyparquet.asyncBufferFromFile(file);
const metadata = await hyparquet.parquetMetadataAsync(buffer);
let count = 0;
let start = 0;
for (const group of metadata.row_groups) {
  const end = start + Number(group.num_rows);
  await hyparquet.parquetRead({
    file: buffer,
    metadata,
    compressors,
    rowStart: start,
    rowEnd: end,
    onComplete: (data) => {
      count += data.length;
    },
  });
  start = end;
}
const hyRead = performance.now() - t;

t = performance.now();
const reader = await connection.runAndReadAll(`SELECT * FROM '${file}'`);
const duckRows = reader.getRows().length;
const duckRead = performance.now() - t;

console.log(`rows: ${rows} (hyparquet ${count}, duckdb ${duckRows})`);
console.log(
  `import: hyparquet+compressors ${hyImport.toFixed(0)} ms, @duckdb/node-api ${duckImport.toFixed(0)} ms`,
);
console.log(
  `read: hyparquet ${hyRead.toFixed(0)} ms (${(((rows / hyRead) * 1000) / 1e6).toFixed(2)} M rows/s), ` +
    `duckdb ${duckRead.toFixed(0)} ms (${(((rows / duckRead) * 1000) / 1e6).toFixed(2)} M rows/s)`,
);
