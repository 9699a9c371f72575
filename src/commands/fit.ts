import { SKLEARN_TYPES } from '../engine/types.js';
import type { FitOptions } from '../pipeline/options.js';
import { defineCommand } from './command-spec.js';
import { parseCovariance } from './option-parsers.js';
import {
  COLUMNS_NOTE,
  componentsOption,
  FIT_OUTPUT_OPTIONS,
  INPUT_ARGUMENT,
  inputFile,
  MODEL_OPTIONS,
} from './shared-options.js';

export const FIT_COMMAND = defineCommand<FitOptions>({
  name: 'fit',
  summary: 'fit a Gaussian mixture (or choose K by BIC) and describe the segments',
  arguments: [INPUT_ARGUMENT],
  options: {
    ...MODEL_OPTIONS,
    components: componentsOption('auto'),
    covariance: {
      flags: '--covariance <type>',
      help: `covariance model: ${SKLEARN_TYPES.join(', ')} (mclust VVV, EEE, VVI, VII), or any mclust name (EII VII EEI VEI EVI VVI EEE VEE EVE VVE EEV VEV EVV VVV; E, V for one column)`,
      default: 'full',
      parse: parseCovariance,
    },
    ...FIT_OUTPUT_OPTIONS,
    plot: {
      flags: '--plot <file>',
      help: 'SVG scatter with 1σ/2σ ellipses, a scatter matrix beyond two columns (- = stdout)',
    },
  },
  examples: `
Examples (the Mall Customers data ships in fixtures/):
  $ gmm fit fixtures/mall_customers.csv --cols income,score -k 5
  $ gmm fit fixtures/mall_customers.csv --cols income,score --profile gender,age --out-dir out
  $ gmm fit fixtures/mall_customers.csv --cols age,income,score -k 4 --report report.html
  $ gmm fit fixtures/mall_customers.csv --cols income,score -k 2..8 --covariance diag
  $ cat fixtures/mall_customers.csv | gmm fit - --cols income,score -k 5 --labels - > labelled.csv
${COLUMNS_NOTE}`,
  async run([file], options, io) {
    const { runFit } = await import('../pipeline/fit.js');
    await runFit(inputFile('fit', file, io), options, io);
  },
});
