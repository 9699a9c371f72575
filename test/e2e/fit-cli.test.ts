import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MALL, runGmmInProcess, runShell } from './run-gmm.js';

const NO_STACK = /\n\s+at .+:\d+:\d+/;

/** Each case: arguments, expected exit code, and the exact stderr, written by hand from DESIGN.md. */
const FAILURES: [string, string[], number, string][] = [
  [
    'a missing value names line, column and value',
    ['fit', 'fixtures/bad/missing-value.csv', '-k', '1'],
    1,
    'gmm fit: fixtures/bad/missing-value.csv: line 3, column "income" (2): "n/a" is not a number (a missing value)\n' +
      'hint: use --missing drop to leave out rows with a missing value, or --missing em to fit on their observed cells\n',
  ],
  [
    'a thousands separator is explained',
    ['fit', 'fixtures/bad/thousands.csv', '--cols', 'income,score', '-k', '1'],
    1,
    'gmm fit: fixtures/bad/thousands.csv: line 3, column "income" (2): "1,234" is not a number\n' +
      'hint: remove the thousands separators (1234, not 1,234)\n',
  ],
  [
    'a ragged row names its line',
    ['fit', 'fixtures/bad/ragged.csv'],
    1,
    'gmm fit: fixtures/bad/ragged.csv: line 3: has 4 fields, but the header has 3\n' +
      'hint: a field may hold an unquoted ",": quote it, or check the delimiter\n',
  ],
  [
    'a constant column',
    ['fit', 'fixtures/bad/constant.csv', '--cols', 'income,score', '-k', '1'],
    1,
    'gmm fit: column "score" is constant (every value is 7): it cannot separate segments\n' +
      'hint: leave it out of --cols (use it as a --profile column instead)\n',
  ],
  [
    'an ambiguous column fragment lists the candidates',
    ['fit', MALL, '--cols', 'a'],
    2,
    'gmm fit: "a" matches 2 columns: column "Age" (3), column "Annual Income (k$)" (4)\n' +
      'hint: use more of the name, or the column number\n',
  ],
  [
    'an unknown column lists the headers',
    ['fit', MALL, '--cols', 'salary'],
    2,
    'gmm fit: no column matches "salary"\n' +
      'hint: the columns are: 1 "CustomerID", 2 "Gender", 3 "Age", 4 "Annual Income (k$)", 5 "Spending Score (1-100)"\n',
  ],
  [
    'an unknown option',
    ['fit', MALL, '--colz', 'income'],
    2,
    "gmm fit: unknown option '--colz'\nhint: Did you mean --cols?; see gmm fit --help\n",
  ],
  [
    '-k 0',
    ['fit', MALL, '-k', '0'],
    2,
    "gmm fit: option '-k, --components <k>' argument '0' is invalid. K must be between 1 and 1000.\nhint: see gmm fit --help\n",
  ],
  [
    '--tol -1',
    ['fit', MALL, '--tol', '-1'],
    2,
    "gmm fit: option '--tol <x>' argument '-1' is invalid. give a number greater than 0, e.g. 1e-6.\nhint: see gmm fit --help\n",
  ],
  [
    'a missing file',
    ['fit', 'fixtures/none.csv'],
    1,
    'gmm fit: fixtures/none.csv: no such file or directory\nhint: check the path, or pass - to read standard input\n',
  ],
  [
    'an output that is the input file',
    [
      'fit',
      MALL,
      '--cols',
      'income,score',
      '-k',
      '2',
      '--labels',
      './fixtures/../fixtures/mall_customers.csv',
    ],
    1,
    'gmm fit: --labels ./fixtures/../fixtures/mall_customers.csv is the input file: writing it would destroy your data\n' +
      'hint: choose another output path\n',
  ],
];

describe('gmm fit failures: one line and a hint, the exit code of DESIGN.md, no stack trace', () => {
  it.each(FAILURES)('%s', async (_, args, status, stderr) => {
    const result = await runGmmInProcess(args);
    expect(result.stderr).toBe(stderr);
    expect(result.status).toBe(status);
    expect(result.stdout).toBe('');
  });

  it('--missing drop leaves the row out and says so', async () => {
    const dropped = await runGmmInProcess([
      'fit',
      'fixtures/bad/missing-value.csv',
      '--cols',
      'income,score',
      '-k',
      '1',
      '--missing',
      'drop',
      '--labels',
      '-',
    ]);
    expect(dropped.stderr).toContain(
      'gmm fit: note: 1 row with a missing value dropped (--missing drop)',
    );
    expect(dropped.status).toBe(0);
    expect(
      dropped.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(',')[0]),
    ).toEqual(['id', '1', '3', '4', '5', '6', '7']);
  });

  it('every start collapsing in a two-valued column names that column in the hint', async () => {
    // diabetes' column 2, sex, takes the values 1 and 2: a diag component inside one
    // of them has zero variance there, and with K = 7 every start ends so
    const result = await runGmmInProcess([
      'fit',
      'fixtures/public/diabetes.csv',
      '--cols',
      'age,sex,bmi,bp',
      '-k',
      '7',
      '--covariance',
      'diag',
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const [message, hint, ...rest] = result.stderr.split('\n');
    expect(message).toMatch(/^gmm fit: no usable fit with K=7: .*collapsed in column 2/);
    expect(hint).toBe(
      'hint: column 2 "sex" has only 2 distinct values: a component within one value has zero ' +
        'variance there, so leave it out of --cols (or use it as a --profile column); try fewer ' +
        'components (-k), a larger --reg-covar (e.g. 1e-3)',
    );
    expect(rest).toEqual(['']);
  });

  it('a failed run leaves no file behind, even in --out-dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gmm-fail-'));
    const result = await runGmmInProcess([
      'fit',
      'fixtures/bad/missing-value.csv',
      '-k',
      '1',
      '--out-dir',
      dir,
    ]);
    expect(result.status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('gmm fit in pipelines', () => {
  it('reads piped stdin, keeps stdout CSV only, and exits 0 when head closes the pipe', () => {
    const result = runShell(
      'cat fixtures/mall_customers.csv | node bin/gmm.js fit - --cols income,score -k 5 --labels - | head -3',
    );
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0].startsWith('CustomerID,Gender,Age,')).toBe(true);
    expect(lines[1]).toMatch(/^1,Male,19,15,39,\d,/);
    expect(result.stderr).toContain('stdin: 200 rows');
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('writes labels for a path that can be read only once (a pipe: /dev/stdin, <(…))', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gmm-pipe-')), 'labels.csv');
    const result = runShell(
      `cat fixtures/mall_customers.csv | node bin/gmm.js fit /dev/stdin --cols income,score -k 5 --labels ${out} -q`,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const direct = await runGmmInProcess([
      'fit',
      'fixtures/mall_customers.csv',
      '--cols',
      'income,score',
      '-k',
      '5',
      '--labels',
      '-',
      '-q',
    ]);
    expect(readFileSync(out, 'utf8')).toBe(direct.stdout);
  });

  it('reads stdin without a file argument when it is piped', async () => {
    const csv = 'x,y\n1,2\n2,1\n3,4\n4,3\n10,12\n11,10\n12,13\n13,11\n';
    const result = await runGmmInProcess(['fit', '-k', '2', '--format', 'csv'], csv);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('segment,label,count,share,mean x,mean y,certainty');
    expect(result.stdout).toMatch(/\n1,[^,]+,4,50%/);
  });

  it('reads ; separated, BOM-prefixed, CRLF files with quoted headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gmm-csv-'));
    const path = join(dir, 'euro.csv');
    const rows = [
      '"name; full";"Income, k$";score',
      'a;1;2',
      'b;2;1',
      'c;3;4',
      'd;4;3',
      'e;10;12',
      'f;11;10',
      'g;12;13',
      'h;13;11',
    ];
    writeFileSync(path, `\ufeff${rows.join('\r\n')}\r\n`);
    const result = await runGmmInProcess(['fit', path, '-k', '2', '--labels', '-']);
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(result.status).toBe(0);
    // Input lines are echoed as written (the BOM and CRLF aside), quotes and all.
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      '"name; full";"Income, k$";score;segment;p_1;p_2;certainty',
      expect.stringMatching(/^a;1;2;[12];[0-9.]+;[0-9.]+;[0-9.]+$/),
    ]);
  });

  it('--help ends with worked examples on the Mall data; --version prints the version', async () => {
    const help = await runGmmInProcess(['fit', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('gmm fit fixtures/mall_customers.csv --cols income,score -k 5');
    const version = await runGmmInProcess(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('gzip input, recognised by its bytes, not its name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmm-gzip-'));
  const compressed = gzipSync(readFileSync(MALL));
  const gz = join(dir, 'mall.csv.gz');
  const named = join(dir, 'mall-no-extension');
  writeFileSync(gz, compressed);
  writeFileSync(named, compressed);
  const args = ['--cols', 'income,score', '-k', '2', '--n-init', '4', '--labels', '-'];
  const plain = await runGmmInProcess(['fit', MALL, ...args]);

  it('a .gz file, a gzip file without the extension, and gzip on stdin give the plain labels', async () => {
    expect(plain.status).toBe(0);
    for (const result of [
      await runGmmInProcess(['fit', gz, ...args]),
      await runGmmInProcess(['fit', named, ...args]),
      await runGmmInProcess(['fit', '-', ...args], compressed),
    ]) {
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(plain.stdout);
    }
  });

  it('a truncated gzip file is one line, exit 1', async () => {
    const truncated = join(dir, 'truncated.csv.gz');
    writeFileSync(truncated, compressed.subarray(0, Math.floor(compressed.length / 2)));
    const result = await runGmmInProcess(['fit', truncated, '--cols', 'income,score', '-k', '2']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `gmm fit: ${truncated}: is not a valid gzip file (unexpected end of file)\n` +
        'hint: check that the download or export is complete, or decompress it with gunzip and pass the result\n',
    );
  });
});
