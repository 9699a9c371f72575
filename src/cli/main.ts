import { Command, CommanderError, Option } from 'commander';
import { GmmError } from '../errors.js';
// Command modules are imported when their command runs, so --help and --version
// load neither the engine nor the CSV and table libraries.
import type { PredictOptions } from '../commands/predict.js';
import type { SampleOptions } from '../commands/sample.js';
import type { ScoreOptions } from '../commands/score.js';
import type { FitCommandOptions } from '../commands/shared-options.js';
import type { SelectKOptions } from '../commands/select-k.js';
import { COVARIANCE_TYPES, CRITERIA, INIT_METHODS } from '../engine/types.js';
import { SCALE_METHODS } from '../io/scaling.js';
import { availableParallelism } from 'node:os';
import { SUMMARY_FORMATS } from '../present/summary-formats.js';
import {
  choiceParser,
  collect,
  parseComponents,
  parseCovariance,
  parseCovarianceList,
  parseInit,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parseStartCount,
  parsePositiveNumber,
  parseFiniteNumber,
  parseSeed,
} from './option-parsers.js';
import { describeFsError } from '../io/file-system.js';
import { removePendingTemporaries } from '../io/write-output.js';
import { describeFailure, EXIT_DATA, EXIT_OK, EXIT_USAGE } from './report-error.js';
import type { CommandIo } from '../terminal/terminal.js';
import { TOOL_VERSION } from '../version.js';

/**
 * Defaults. tol 1e-10 per row puts ℓ within ~1e-10·n of the optimum (2e-8 on the Mall
 * data, 1e-4 on a million rows), so the 4 decimals users compare with scikit-learn
 * and mclust agree; `auto` starts spend the search's budget (engine/search-plan.ts).
 */
export const DEFAULTS = {
  nInit: 'auto',
  maxIter: 1000,
  tol: 1e-10,
  regCovar: 1e-6,
  seed: 0,
} as const;

const MALL_NOTE = `
Columns are named by exact header, 1-based number, or a case-insensitive fragment
matching one header ("income" → "Annual Income (k$)"). BIC, AIC and ICL are
"lower is better" (scikit-learn's sign); mclust prints BIC with the opposite sign.
Exit codes: 0 success, 1 data or numeric failure, 2 usage error.`;

const FIT_EXAMPLES = `
Examples (the Mall Customers data ships in fixtures/):
  $ gmm fit fixtures/mall_customers.csv --cols income,score -k 5
  $ gmm fit fixtures/mall_customers.csv --cols income,score --profile gender,age --out-dir out
  $ gmm fit fixtures/mall_customers.csv --cols income,score -k 2..8 --covariance diag
  $ cat fixtures/mall_customers.csv | gmm fit - --cols income,score -k 5 --labels - > labelled.csv
${MALL_NOTE}`;

const SELECT_K_EXAMPLES = `
Examples (the Mall Customers data ships in fixtures/):
  $ gmm select-k fixtures/mall_customers.csv --cols income,score
  $ gmm select-k fixtures/mall_customers.csv --cols income,score --covariance full,diag --plot bic.svg
  $ gmm select-k fixtures/mall_customers.csv --cols income,score --criterion icl --format csv
  $ gmm select-k fixtures/mall_customers.csv --cols income,score --fit --out-dir out
${MALL_NOTE}`;

const MODEL_EXAMPLES = `
Examples (after gmm fit fixtures/mall_customers.csv --cols income,score -k 5 --model model.json):
  $ gmm predict model.json fixtures/mall_customers.csv > labelled.csv
  $ cat new_customers.csv | gmm predict model.json --missing drop
  $ gmm score model.json fixtures/mall_customers.csv --anomaly-rate 0.02
  $ gmm sample model.json -n 1000 --seed 7 > synthetic.csv

Columns are found by the names the model was fitted on. Exit codes: 0 success,
1 data, model or numeric failure, 2 usage error.`;

const PROGRAM_EXAMPLES = `
Examples:
  $ gmm fit fixtures/mall_customers.csv --cols income,score -k 5
  $ gmm select-k fixtures/mall_customers.csv --cols income,score --plot bic.svg
  $ gmm fit fixtures/mall_customers.csv --cols income,score -k 5 --model model.json
  $ gmm predict model.json fixtures/mall_customers.csv | head
  $ gmm fit --help`;

/** Which input a command reads: the file argument, or piped standard input. */
function inputFile(command: string, file: string | undefined): string {
  if (file !== undefined) return file;
  if (process.stdin.isTTY) {
    throw new GmmError(
      'usage',
      'no input: give a CSV file, or - to read standard input',
      `e.g. gmm ${command} fixtures/mall_customers.csv`,
    );
  }
  return '-';
}

/** Options fit and select-k share (docs/DESIGN.md), with the data and EM settings. */
function addModelOptions(command: Command, componentsDefault: string): Command {
  return command
    .argument('[file]', 'CSV file, or - for standard input (default: piped stdin)')
    .option(
      '-c, --cols <list>',
      'columns to model: header, 1-based number or unique fragment, comma-separated (default: numeric columns except an id)',
      collect,
    )
    .addOption(
      new Option('-k, --components <k>', 'a number, a range 2..8, or auto (1..10)')
        .default(parseComponents(componentsDefault), componentsDefault)
        .argParser(parseComponents),
    )
    .addOption(
      new Option('--scale <method>', `column scaling before fitting: ${SCALE_METHODS.join(', ')}`)
        .default('standard')
        .argParser(choiceParser(SCALE_METHODS)),
    )
    .addOption(
      new Option(
        '--init <method>',
        `how each start is seeded: ${INIT_METHODS.join(', ')} (mixed cycles random-from-data, kmeans++, random)`,
      )
        .default('mixed')
        .argParser(parseInit),
    )
    .addOption(
      new Option(
        '--n-init <n>',
        'random starts explored per model (short EM runs; the best are run to convergence), or auto: as many as the data size affords',
      )
        .default(DEFAULTS.nInit)
        .argParser(parseStartCount),
    )
    .addOption(
      new Option('--max-iter <n>', 'E-steps (passes over the rows) per EM run at most')
        .default(DEFAULTS.maxIter)
        .argParser(parsePositiveInteger),
    )
    .addOption(
      new Option(
        '--tol <x>',
        'EM stops when ℓ per row is within tol of its limit (last step and estimated gain to come both < tol)',
      )
        .default(DEFAULTS.tol)
        .argParser(parsePositiveNumber),
    )
    .addOption(
      new Option('--reg-covar <x>', 'added to covariance diagonals, in scaled units')
        .default(DEFAULTS.regCovar)
        .argParser(parseNonNegativeNumber),
    )
    .addOption(
      new Option('--seed <n>', 'seed of every random draw')
        .default(DEFAULTS.seed)
        .argParser(parseSeed),
    )
    .addOption(
      new Option('--missing <policy>', 'a row with an empty or NA modelled cell: error, or drop it')
        .default('error')
        .argParser(choiceParser(['error', 'drop'] as const)),
    )
    .option(
      '--profile <list>',
      'columns described per segment, not modelled (e.g. gender,age)',
      collect,
    )
    .addOption(
      new Option('--threads <n>', 'worker threads for EM starts (results do not depend on it)')
        .default(availableParallelism(), 'the number of cores')
        .argParser(parsePositiveInteger),
    )
    .option('-o, --out-dir <dir>', 'write the outputs there')
    .option(
      '--labels <file>',
      'labelled CSV: input columns + segment, p_1..p_K, certainty (- = stdout)',
    )
    .option('--model <file>', 'model JSON (- = stdout)')
    .option(
      '--plot-cols <list>',
      'the two modelled columns of the scatter (default: the first two)',
    )
    .addOption(
      new Option('--format <format>', `summary format: ${SUMMARY_FORMATS.join(', ')}`)
        .default('table')
        .argParser(choiceParser(SUMMARY_FORMATS)),
    )
    .option('-q, --quiet', 'no notes or progress on stderr (warnings still show)', false)
    .option('--verbose', 'show the stack trace of an unexpected error', false);
}

function buildProgram(io: CommandIo, state: { command: string }): Command {
  const output = {
    writeOut: (text: string) => io.stdout.write(text),
    writeErr: (text: string) => io.stderr.write(text),
    outputError: () => undefined,
  };
  const program = new Command('gmm')
    .description('Segment the rows of a table with Gaussian mixture models.')
    .version(TOOL_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', PROGRAM_EXAMPLES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput(output);

  const fit = program
    .command('fit')
    .description('fit a Gaussian mixture (or choose K by BIC) and describe the segments');
  addModelOptions(fit, 'auto')
    .addOption(
      new Option(
        '--covariance <type>',
        `covariance structure: ${COVARIANCE_TYPES.join(', ')} (or mclust VVV, EEE, VVI, VII)`,
      )
        .default('full')
        .argParser(parseCovariance),
    )
    .option('--plot <file>', 'SVG scatter with 1σ/2σ ellipses (- = stdout)')
    .addHelpText('after', FIT_EXAMPLES)
    .action(async (file: string | undefined, options: FitCommandOptions) => {
      const { runFit } = await import('../commands/fit.js');
      await runFit(inputFile('fit', file), options, io);
    });

  const selectK = program
    .command('select-k')
    .description('compare BIC / AIC / ICL over K × covariance structures, best marked');
  addModelOptions(selectK, '1..10')
    .addOption(
      new Option(
        '--covariance <list>',
        `structures to compare: all, or a list of ${COVARIANCE_TYPES.join(', ')}`,
      )
        .default([...COVARIANCE_TYPES], 'all')
        .argParser(parseCovarianceList),
    )
    .addOption(
      new Option('--criterion <name>', `what picks the best cell: ${CRITERIA.join(', ')}`)
        .default('bic')
        .argParser(choiceParser(CRITERIA)),
    )
    .option('--plot <file>', 'SVG of the criterion against K, one line per structure (- = stdout)')
    .option('--fit', 'also fit the best cell and write its outputs as gmm fit does', false)
    .addHelpText('after', SELECT_K_EXAMPLES)
    .action(async (file: string | undefined, options: SelectKOptions) => {
      const { runSelectK } = await import('../commands/select-k.js');
      await runSelectK(inputFile('select-k', file), options, io);
    });

  const missingOption = () =>
    new Option('--missing <policy>', 'a row with an empty or NA model cell: error, or drop it')
      .default('error')
      .argParser(choiceParser(['error', 'drop'] as const));

  program
    .command('predict')
    .description('segment and membership probabilities for new rows (labelled CSV on stdout)')
    .argument('<model>', 'model JSON written by gmm fit --model')
    .argument('[file]', 'CSV file, or - for standard input (default: piped stdin)')
    .option('--labels <file>', 'write the labelled CSV here instead of stdout')
    .addOption(missingOption())
    .option('-q, --quiet', 'no notes on stderr', false)
    .option('--verbose', 'show the stack trace of an unexpected error', false)
    .addHelpText('after', MODEL_EXAMPLES)
    .action(async (model: string, file: string | undefined, options: PredictOptions) => {
      const { runPredict } = await import('../commands/predict.js');
      await runPredict(model, inputFile('predict', file), options, io);
    });

  program
    .command('score')
    .description('log density of each row under the model; flag the least likely rows')
    .argument('<model>', 'model JSON written by gmm fit --model')
    .argument('[file]', 'CSV file, or - for standard input (default: piped stdin)')
    .option('--out <file>', 'write the scored CSV here instead of stdout')
    .addOption(
      new Option(
        '--anomaly-rate <q>',
        'flag rows rarer than a fraction q of the training rows (e.g. 0.01)',
      )
        .argParser(parsePositiveNumber)
        .conflicts('threshold'),
    )
    .addOption(
      new Option(
        '--threshold <x>',
        'flag rows whose log density (original units) is below x',
      ).argParser(parseFiniteNumber),
    )
    .addOption(missingOption())
    .option('-q, --quiet', 'no notes on stderr (the anomaly count still shows)', false)
    .option('--verbose', 'show the stack trace of an unexpected error', false)
    .addHelpText('after', MODEL_EXAMPLES)
    .action(async (model: string, file: string | undefined, options: ScoreOptions) => {
      const { runScore } = await import('../commands/score.js');
      await runScore(model, inputFile('score', file), options, io);
    });

  program
    .command('sample')
    .description('synthetic rows drawn from the model, in original units, with their segment')
    .argument('<model>', 'model JSON written by gmm fit --model')
    .requiredOption('-n, --n <rows>', 'how many rows', parsePositiveInteger)
    .addOption(
      new Option('--seed <n>', 'seed of the draws').default(DEFAULTS.seed).argParser(parseSeed),
    )
    .option('--out <file>', 'write the CSV here instead of stdout')
    .option('-q, --quiet', 'no notes on stderr', false)
    .option('--verbose', 'show the stack trace of an unexpected error', false)
    .addHelpText('after', MODEL_EXAMPLES)
    .action(async (model: string, options: SampleOptions) => {
      const { runSample } = await import('../commands/sample.js');
      await runSample(model, options, io);
    });

  for (const command of program.commands) {
    command.exitOverride().showSuggestionAfterError(true).configureOutput(output);
  }
  program.hook('preSubcommand', (_, sub) => {
    state.command = sub.name();
  });
  return program;
}

/** Commander's own error text ("error: unknown option '--x'\n(Did you mean --y?)") as message + hint. */
function commanderUsageError(error: CommanderError, command: string): GmmError {
  const [first, ...rest] = error.message.replace(/^error: /, '').split('\n');
  const suggestion = rest.join(' ').trim();
  const help = command === '' ? 'gmm --help' : `gmm ${command} --help`;
  return new GmmError(
    'usage',
    first,
    suggestion !== '' ? `${suggestion.replace(/^\(|\)$/g, '')}; see ${help}` : `see ${help}`,
  );
}

export async function main(argv: string[]): Promise<void> {
  const io: CommandIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  const state = { command: '' };
  const verbose = argv.includes('--verbose');
  /** Ends the run at once with the one-line report of `error`, leaving no temporary file. */
  const failNow = (error: unknown): never => {
    removePendingTemporaries();
    const failure = describeFailure(state.command, error, verbose);
    io.stderr.write(failure.text);
    process.exit(failure.exitCode);
  };
  // A closed pipe downstream (gmm … | head) is a normal end, not an error; any other
  // failure to write standard output (a full disk) loses the output, so it is one.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      removePendingTemporaries();
      process.exit(EXIT_OK);
    }
    failNow(
      new GmmError(
        'data',
        `cannot write to standard output: ${describeFsError(error)}`,
        'check the disk, or where the output is redirected',
      ),
    );
  });
  // Nothing can be reported when standard error itself fails, but the run did not succeed.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.exitCode = EXIT_DATA;
  });
  // Interrupted at any point (reading, fitting, writing): no temporary file is left.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      removePendingTemporaries();
      process.exit(code);
    });
  }
  // A failure outside the command's promise chain (a stream callback) still ends in one line.
  process.on('uncaughtException', failNow);
  process.on('unhandledRejection', failNow);
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        process.exitCode = EXIT_OK;
        return;
      }
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
        process.exitCode = EXIT_USAGE;
        return;
      }
      io.stderr.write(
        describeFailure(state.command, commanderUsageError(error, state.command), verbose).text,
      );
      process.exitCode = EXIT_USAGE;
      return;
    }
    const failure = describeFailure(state.command, error, verbose);
    io.stderr.write(failure.text);
    process.exitCode = failure.exitCode;
  }
}
