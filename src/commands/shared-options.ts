import { availableParallelism } from 'node:os';
import { INIT_METHODS } from '../engine/types.js';
import { INPUT_FORMATS } from '../io/input-format.js';
import { DECIMAL_MARKS } from '../io/parse-number.js';
import { SCALE_METHODS } from '../io/scaling.js';
import { INPUT_ENCODINGS } from '../io/transcode.js';
import { SUMMARY_FORMATS } from '../present/summary-formats.js';
import type {
  FitOutputOptions,
  InputOptions,
  MissingOptions,
  ModelOptions,
  TerminalOptions,
} from '../pipeline/options.js';
import type { CommandIo } from '../terminal/terminal.js';
import type { OptionTable } from './command-spec.js';
import {
  choiceParser,
  collect,
  parseComponents,
  parseInit,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parsePositiveNumber,
  parseSeed,
  parseStartCount,
} from './option-parsers.js';
import { GmmError } from '../errors.js';

/**
 * The search's defaults. tol 1e-10 per row puts ℓ within ~1e-10·n of the optimum (2e-8
 * on the Mall data, 1e-4 on a million rows), so the 4 decimals users compare with
 * scikit-learn and mclust agree; `auto` starts spend the search's budget
 * (engine/search-plan.ts).
 */
export const DEFAULTS = {
  nInit: 'auto',
  maxIter: 1000,
  tol: 1e-10,
  regCovar: 1e-6,
  seed: 0,
} as const;

export const TERMINAL_OPTIONS: OptionTable<TerminalOptions> = {
  quiet: {
    flags: '-q, --quiet',
    help: 'no notes or progress on stderr (warnings and results still show)',
    default: false,
  },
  verbose: {
    flags: '--verbose',
    help: 'show the stack trace of an unexpected error',
    default: false,
  },
};

export const INPUT_OPTIONS: OptionTable<InputOptions> = {
  inputFormat: {
    flags: '--input-format <format>',
    help: 'auto (Parquet when the file starts with PAR1, else CSV), csv or parquet',
    default: 'auto',
    parse: choiceParser(INPUT_FORMATS),
  },
  decimal: {
    flags: '--decimal <mark>',
    help: 'the decimal mark of the numbers: . or , (a European export: 15,5 with ; between fields)',
    default: '.',
    parse: choiceParser(DECIMAL_MARKS),
  },
  encoding: {
    flags: '--encoding <name>',
    help: `the input's text encoding: ${INPUT_ENCODINGS.join(', ')} (outputs are UTF-8)`,
    default: 'utf-8',
    parse: choiceParser(INPUT_ENCODINGS),
  },
};

export const MISSING_OPTIONS: OptionTable<MissingOptions> = {
  missing: {
    flags: '--missing <policy>',
    help: 'a row with an empty or NA modelled cell: error, drop it, or em: use its observed cells (the likelihood marginalised over the missing ones)',
    default: 'error',
    parse: choiceParser(['error', 'drop', 'em'] as const),
  },
};

export const SEED_HELP = 'seed of every random draw';

export const MODEL_OPTIONS: Omit<OptionTable<ModelOptions>, 'components'> = {
  cols: {
    flags: '-c, --cols <list>',
    help: 'columns to model: header, 1-based number or unique fragment, comma-separated (default: numeric columns except an id)',
    parse: collect,
  },
  scale: {
    flags: '--scale <method>',
    help: `column scaling before fitting: ${SCALE_METHODS.join(', ')}`,
    default: 'standard',
    parse: choiceParser(SCALE_METHODS),
  },
  init: {
    flags: '--init <method>',
    help: `how each start is seeded: ${INIT_METHODS.join(', ')} (mixed cycles random-from-data, kmeans++, random)`,
    default: 'mixed',
    parse: parseInit,
  },
  nInit: {
    flags: '--n-init <n>',
    help: "random starts explored per model (short EM runs; the best are run to convergence), auto: as many as the data size affords, or 0: mclust's hierarchical start alone",
    default: DEFAULTS.nInit,
    parse: parseStartCount,
  },
  maxIter: {
    flags: '--max-iter <n>',
    help: 'E-steps (passes over the rows) per EM run at most',
    default: DEFAULTS.maxIter,
    parse: parsePositiveInteger,
  },
  tol: {
    flags: '--tol <x>',
    help: 'EM stops when ℓ per row is within tol of its limit (last step and estimated gain to come both < tol)',
    default: DEFAULTS.tol,
    parse: parsePositiveNumber,
  },
  regCovar: {
    flags: '--reg-covar <x>',
    help: 'added to covariance diagonals, in scaled units',
    default: DEFAULTS.regCovar,
    parse: parseNonNegativeNumber,
  },
  seed: { flags: '--seed <n>', help: SEED_HELP, default: DEFAULTS.seed, parse: parseSeed },
  ...MISSING_OPTIONS,
  ...INPUT_OPTIONS,
  profile: {
    flags: '--profile <list>',
    help: 'columns described per segment, not modelled (e.g. gender,age)',
    parse: collect,
  },
  threads: {
    flags: '--threads <n>',
    help: 'worker threads for EM starts (results do not depend on it)',
    default: availableParallelism(),
    defaultText: 'the number of cores',
    parse: parsePositiveInteger,
  },
  weights: {
    flags: '--weights <column>',
    help: 'a column of row weights (frequencies ≥ 0): a row of weight w counts as w rows',
  },
  ...TERMINAL_OPTIONS,
};

/** -k, whose default differs: fit's auto (BIC picks K), select-k's 1..10. */
export function componentsOption(text: string): OptionTable<ModelOptions>['components'] {
  return {
    flags: '-k, --components <k>',
    help: 'a number, a range 2..8, or auto (1..10)',
    default: parseComponents(text),
    defaultText: text,
    parse: parseComponents,
  };
}

export const FIT_OUTPUT_OPTIONS: OptionTable<FitOutputOptions> = {
  outDir: { flags: '-o, --out-dir <dir>', help: 'write the outputs there' },
  labels: {
    flags: '--labels <file>',
    help: 'labelled CSV: input columns + segment, p_1..p_K, certainty (- = stdout)',
  },
  model: { flags: '--model <file>', help: 'model JSON (- = stdout)' },
  plotCols: {
    flags: '--plot-cols <list>',
    help: 'the two modelled columns of the scatter (default: every pair, as a scatter matrix)',
  },
  report: {
    flags: '--report <file>',
    help: 'one self-contained HTML report (opens offline): summary, scatter matrix, profiles, certainty',
  },
  format: {
    flags: '--format <format>',
    help: `summary format: ${SUMMARY_FORMATS.join(', ')}`,
    default: 'table',
    parse: choiceParser(SUMMARY_FORMATS),
  },
  impute: {
    flags: '--impute',
    help: 'with --missing em: the labelled CSV adds <column>_imputed for each modelled column (missing cells filled by their conditional mean, original units)',
    default: false,
  },
};

export const INPUT_ARGUMENT = [
  '[file]',
  'CSV file, or - for standard input (default: piped stdin)',
] as const;
export const MODEL_ARGUMENT = ['<model>', 'model JSON written by gmm fit --model'] as const;

/** Said under fit's and select-k's examples. */
export const COLUMNS_NOTE = `
Columns are named by exact header, 1-based number, or a case-insensitive fragment
matching one header ("income" → "Annual Income (k$)"). BIC, AIC and ICL are
"lower is better" (scikit-learn's sign); mclust prints BIC with the opposite sign.
Exit codes: 0 success, 1 data or numeric failure, 2 usage error.`;

/** Said under predict's, score's and sample's examples. */
export const MODEL_COMMAND_EXAMPLES = `
Examples (after gmm fit fixtures/mall_customers.csv --cols income,score -k 5 --model model.json):
  $ gmm predict model.json fixtures/mall_customers.csv > labelled.csv
  $ cat new_customers.csv | gmm predict model.json --missing drop
  $ gmm score model.json fixtures/mall_customers.csv --anomaly-rate 0.02
  $ gmm sample model.json -n 1000 --seed 7 > synthetic.csv

Columns are found by the names the model was fitted on. Exit codes: 0 success,
1 data, model or numeric failure, 2 usage error.`;

/** Which input a command reads: the file argument, or piped standard input. */
export function inputFile(command: string, file: string | undefined, io: CommandIo): string {
  if (file !== undefined) return file;
  if (io.stdinIsTTY) {
    throw new GmmError(
      'usage',
      'no input: give a CSV file, or - to read standard input',
      `e.g. gmm ${command} fixtures/mall_customers.csv`,
    );
  }
  return '-';
}
