import type { AnyCommandSpec } from './command-spec.js';
import { FIT_COMMAND } from './fit.js';
import { PREDICT_COMMAND } from './predict.js';
import { SAMPLE_COMMAND } from './sample.js';
import { SCORE_COMMAND } from './score.js';
import { SELECT_K_COMMAND } from './select-k.js';
import { SQL_COMMAND } from './sql.js';

/** gmm's commands, in the order --help lists them. */
export const COMMANDS: readonly AnyCommandSpec[] = [
  FIT_COMMAND,
  SELECT_K_COMMAND,
  PREDICT_COMMAND,
  SCORE_COMMAND,
  SAMPLE_COMMAND,
  SQL_COMMAND,
];

export const PROGRAM_SUMMARY = 'Segment the rows of a table with Gaussian mixture models.';

export const PROGRAM_EXAMPLES = `
Examples:
  $ gmm fit fixtures/mall_customers.csv --cols income,score -k 5
  $ gmm select-k fixtures/mall_customers.csv --cols income,score --plot bic.svg
  $ gmm fit fixtures/mall_customers.csv --cols income,score -k 5 --model model.json
  $ gmm predict model.json fixtures/mall_customers.csv | head
  $ gmm fit --help`;
