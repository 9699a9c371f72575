// Scenario (d), the parse alone: a CSV read with gmm's own reader into its Float64Array
// matrix (every column, as `gmm fit` without --cols reads them). Prints one JSON line.
//   node bench/parse_csv.mjs file.csv
import { statSync } from 'node:fs';
import process from 'node:process';
import { openCsv } from '../dist/io/csv-reader.js';
import { readColumns } from '../dist/io/read-columns.js';

const file = process.argv[2];
const started = process.hrtime.bigint();
const reader = await openCsv(file);
const plans = reader.header.map((_, index) => ({
  index,
  keepValues: 'whileNumeric',
  keepCategories: false,
}));
const table = await readColumns(reader, plans);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(
  `${JSON.stringify({
    rows: table.nRows,
    columns: table.matrix.nColumns,
    bytes: statSync(file).size,
    seconds,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
