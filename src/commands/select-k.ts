import { CRITERIA, SKLEARN_TYPES } from '../engine/types.js';
import type { SelectKOptions } from '../pipeline/options.js';
import { defineCommand } from './command-spec.js';
import { choiceParser, parseCovarianceList } from './option-parsers.js';
import {
  COLUMNS_NOTE,
  componentsOption,
  FIT_OUTPUT_OPTIONS,
  INPUT_ARGUMENT,
  inputFile,
  MODEL_OPTIONS,
} from './shared-options.js';

export const SELECT_K_COMMAND = defineCommand<SelectKOptions>({
  name: 'select-k',
  summary: 'compare BIC / AIC / ICL over K × covariance structures, best marked',
  arguments: [INPUT_ARGUMENT],
  options: {
    ...MODEL_OPTIONS,
    components: componentsOption('1..10'),
    covariance: {
      flags: '--covariance <list>',
      help: `models to compare: sklearn (${SKLEARN_TYPES.join(', ')}), all (mclust's fourteen), or a comma-separated list of names (full, VEV, …)`,
      default: [...SKLEARN_TYPES],
      defaultText: 'sklearn',
      parse: parseCovarianceList,
    },
    criterion: {
      flags: '--criterion <name>',
      help: `what picks the best cell: ${CRITERIA.join(', ')}`,
      default: 'bic',
      parse: choiceParser(CRITERIA),
    },
    ...FIT_OUTPUT_OPTIONS,
    plot: {
      flags: '--plot <file>',
      help: 'SVG of the criterion against K, one line per structure (- = stdout)',
    },
    fit: {
      flags: '--fit',
      help: 'also fit the best cell and write its outputs as gmm fit does',
      default: false,
    },
  },
  examples: `
Examples (the Mall Customers data ships in fixtures/):
  $ gmm select-k fixtures/mall_customers.csv --cols income,score
  $ gmm select-k fixtures/mall_customers.csv --cols income,score --covariance full,diag --plot bic.svg
  $ gmm select-k fixtures/mall_customers.csv --cols income,score --criterion icl --format csv
  $ gmm select-k fixtures/mall_customers.csv --cols income,score --fit --out-dir out
  $ gmm select-k fixtures/mclust/faithful.csv -k 1..9 --covariance all --scale none --reg-covar 0
${COLUMNS_NOTE}`,
  async run([file], options, io) {
    const { runSelectK } = await import('../pipeline/select-k.js');
    await runSelectK(inputFile('select-k', file, io), options, io);
  },
});
