import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import {
  expectFailure,
  fitTwoClusters,
  HOSTILE,
  runGmmInProcess,
  scratchDirectory,
} from './hostile.js';

/** Wrong command lines: exit 2, one line naming the option, a hint, nothing on stdout. */

const DATA = `${HOSTILE}/two-clusters.csv`;
const MODEL = fitTwoClusters(scratchDirectory('options'));

/** [case, arguments, stderr] — every one exits 2. */
const USAGE_ERRORS: [string, string[], string][] = [
  [
    'fit -k 0',
    ['fit', DATA, '-k', '0'],
    "gmm fit: option '-k, --components <k>' argument '0' is invalid. K must be between 1 and 1000.\nhint: see gmm fit --help\n",
  ],
  [
    'fit -k abc',
    ['fit', DATA, '-k', 'abc'],
    "gmm fit: option '-k, --components <k>' argument 'abc' is invalid. give a number (5), a range (2..8) or auto.\nhint: see gmm fit --help\n",
  ],
  [
    'fit -k 2..1',
    ['fit', DATA, '-k', '2..1'],
    "gmm fit: option '-k, --components <k>' argument '2..1' is invalid. a range of K must run upwards from 1 or more, e.g. 2..8.\nhint: see gmm fit --help\n",
  ],
  [
    'fit --tol -1',
    ['fit', DATA, '--tol', '-1'],
    "gmm fit: option '--tol <x>' argument '-1' is invalid. give a number greater than 0, e.g. 1e-6.\nhint: see gmm fit --help\n",
  ],
  [
    'fit --n-init -1',
    ['fit', DATA, '--n-init', '-1'],
    "gmm fit: option '--n-init <n>' argument '-1' is invalid. give auto or a whole number of 0 or more.\nhint: see gmm fit --help\n",
  ],
  [
    'fit --max-iter 1.5',
    ['fit', DATA, '--max-iter', '1.5'],
    "gmm fit: option '--max-iter <n>' argument '1.5' is invalid. give a whole number of 1 or more.\nhint: see gmm fit --help\n",
  ],
  [
    'fit --reg-covar -1',
    ['fit', DATA, '--reg-covar', '-1'],
    "gmm fit: option '--reg-covar <x>' argument '-1' is invalid. give a number of 0 or more, e.g. 1e-6.\nhint: see gmm fit --help\n",
  ],
  [
    'fit --seed -1',
    ['fit', DATA, '--seed', '-1'],
    "gmm fit: option '--seed <n>' argument '-1' is invalid. give a whole number of 0 or more.\nhint: see gmm fit --help\n",
  ],
  [
    'fit --covariance round',
    ['fit', DATA, '--covariance', 'round'],
    "gmm fit: option '--covariance <type>' argument 'round' is invalid. choose one of: full, tied, diag, spherical, or an mclust model: EII VII EEI VEI EVI VVI EEE VEE EVE VVE EEV VEV EVV VVV (E, V for one column).\nhint: see gmm fit --help\n",
  ],
  [
    'fit --format xml',
    ['fit', DATA, '--format', 'xml'],
    "gmm fit: option '--format <format>' argument 'xml' is invalid. choose one of: table, json, csv, markdown.\nhint: see gmm fit --help\n",
  ],
  [
    'fit --cols with no value',
    ['fit', DATA, '--cols'],
    "gmm fit: option '-c, --cols <list>' argument missing\nhint: see gmm fit --help\n",
  ],
  [
    'fit: an unknown option, with a suggestion',
    ['fit', DATA, '--clos', 'x'],
    "gmm fit: unknown option '--clos'\nhint: Did you mean --cols?; see gmm fit --help\n",
  ],
  [
    'fit: an unknown short option',
    ['fit', DATA, '-x'],
    "gmm fit: unknown option '-x'\nhint: see gmm fit --help\n",
  ],
  [
    'fit: a second file',
    ['fit', DATA, DATA],
    "gmm fit: too many arguments for 'fit'. Expected 1 argument but got 2.\nhint: see gmm fit --help\n",
  ],
  [
    'fit: two outputs to stdout',
    ['fit', DATA, '--labels', '-', '--model', '-'],
    'gmm fit: only one output can go to standard output, but --labels and --model both say -\nhint: send the others to files\n',
  ],
  [
    'fit --cols naming the same column twice',
    ['fit', DATA, '--cols', 'x,x'],
    'gmm fit: column "x" (1) is selected twice (as "x" and "x")\nhint: name each column once\n',
  ],
  [
    'fit --cols naming a column by name and by number',
    ['fit', DATA, '--cols', 'x,1'],
    'gmm fit: column "x" (1) is selected twice (as "x" and "1")\nhint: name each column once\n',
  ],
  [
    'fit --cols repeated',
    ['fit', DATA, '--cols', 'x', '--cols', 'X'],
    'gmm fit: column "x" (1) is selected twice (as "x" and "X")\nhint: name each column once\n',
  ],
  [
    'fit --cols out of range',
    ['fit', DATA, '--cols', 'x,9'],
    'gmm fit: column number 9 is out of range: the file has 2 columns\nhint: the columns are: 1 "x", 2 "y"\n',
  ],
  [
    'select-k -k 0',
    ['select-k', DATA, '-k', '0'],
    "gmm select-k: option '-k, --components <k>' argument '0' is invalid. K must be between 1 and 1000.\nhint: see gmm select-k --help\n",
  ],
  [
    'select-k -k abc',
    ['select-k', DATA, '-k', 'abc'],
    "gmm select-k: option '-k, --components <k>' argument 'abc' is invalid. give a number (5), a range (2..8) or auto.\nhint: see gmm select-k --help\n",
  ],
  [
    'select-k --tol -1',
    ['select-k', DATA, '--tol', '-1'],
    "gmm select-k: option '--tol <x>' argument '-1' is invalid. give a number greater than 0, e.g. 1e-6.\nhint: see gmm select-k --help\n",
  ],
  [
    'select-k --covariance full,full',
    ['select-k', DATA, '--covariance', 'full,full'],
    "gmm select-k: option '--covariance <list>' argument 'full,full' is invalid. name each covariance type once.\nhint: see gmm select-k --help\n",
  ],
  [
    'select-k --cols naming the same column twice',
    ['select-k', DATA, '--cols', 'y,2'],
    'gmm select-k: column "y" (2) is selected twice (as "y" and "2")\nhint: name each column once\n',
  ],
  [
    'predict: an unknown option',
    ['predict', MODEL, DATA, '--bogus'],
    "gmm predict: unknown option '--bogus'\nhint: see gmm predict --help\n",
  ],
  [
    'predict --missing maybe',
    ['predict', MODEL, DATA, '--missing', 'maybe'],
    "gmm predict: option '--missing <policy>' argument 'maybe' is invalid. choose one of: error, drop, em.\nhint: see gmm predict --help\n",
  ],
  [
    'predict without a model',
    ['predict'],
    "gmm predict: missing required argument 'model'\nhint: see gmm predict --help\n",
  ],
  [
    'score --anomaly-rate 2',
    ['score', MODEL, DATA, '--anomaly-rate', '2'],
    'gmm score: --anomaly-rate 2 must be between 0 and 1\nhint: e.g. --anomaly-rate 0.01 for the rarest 1%\n',
  ],
  [
    'score --threshold nan',
    ['score', MODEL, DATA, '--threshold', 'nan'],
    "gmm score: option '--threshold <x>' argument 'nan' is invalid. give a number.\nhint: see gmm score --help\n",
  ],
  [
    'score --anomaly-rate with --threshold',
    ['score', MODEL, DATA, '--anomaly-rate', '0.1', '--threshold', '1'],
    "gmm score: option '--anomaly-rate <q>' cannot be used with option '--threshold <x>'\nhint: see gmm score --help\n",
  ],
  [
    'sample -n 0',
    ['sample', MODEL, '-n', '0'],
    "gmm sample: option '-n, --n <rows>' argument '0' is invalid. give a whole number of 1 or more.\nhint: see gmm sample --help\n",
  ],
  [
    'sample -n abc',
    ['sample', MODEL, '-n', 'abc'],
    "gmm sample: option '-n, --n <rows>' argument 'abc' is invalid. give a whole number of 1 or more.\nhint: see gmm sample --help\n",
  ],
  [
    'sample without -n',
    ['sample', MODEL],
    "gmm sample: required option '-n, --n <rows>' not specified\nhint: see gmm sample --help\n",
  ],
  [
    'sample --seed 1e3',
    ['sample', MODEL, '-n', '5', '--seed', '1e3'],
    "gmm sample: option '--seed <n>' argument '1e3' is invalid. give a whole number of 0 or more.\nhint: see gmm sample --help\n",
  ],
  [
    'an unknown command',
    ['segment', DATA],
    "gmm: unknown command 'segment'\nhint: see gmm --help\n",
  ],
];

describe('usage errors: exit 2, one line and a hint', () => {
  it.each(USAGE_ERRORS)('%s', async (_, args, stderr) => {
    expectFailure(await runGmmInProcess(args), 2, stderr);
  });
});

describe('a file given where the model goes', () => {
  it('predict with a CSV as the model', async () => {
    expectFailure(
      await runGmmInProcess(['predict', DATA, DATA]),
      1,
      `gmm predict: ${DATA}: is not a model file (a model is JSON, starting with "{")\n` +
        'hint: give the model.json that gmm fit --model wrote, before the data file\n',
    );
  });

  it('sample with an empty model file', async () => {
    expectFailure(
      await runGmmInProcess(['sample', `${HOSTILE}/empty.csv`, '-n', '2']),
      1,
      `gmm sample: ${HOSTILE}/empty.csv: is empty, not a model\n` +
        'hint: give the model.json that gmm fit --model wrote\n',
    );
  });

  it('a model cut short', async () => {
    const path = join(scratchDirectory('cut'), 'model.json');
    writeFileSync(path, readFileSync(MODEL, 'utf8').slice(0, 300));
    expectFailure(
      await runGmmInProcess(['score', path, DATA]),
      1,
      `gmm score: ${path}: is not valid JSON (it ends too soon)\n` +
        'hint: give the model.json that gmm fit --model wrote, complete\n',
    );
  });
});
