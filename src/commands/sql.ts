import type { SqlOptions } from '../pipeline/options.js';
import { SQL_DIALECTS } from '../present/sql/dialect.js';
import { defineCommand } from './command-spec.js';
import { choiceParser, parseFiniteNumber, parsePositiveNumber } from './option-parsers.js';
import { MODEL_ARGUMENT, TERMINAL_OPTIONS } from './shared-options.js';

const SQL_EXAMPLES = `
Examples (after gmm fit fixtures/mall_customers.csv --cols income,score -k 5 --model model.json):
  $ gmm sql model.json --table customers > score.sql
  $ gmm sql model.json --table analytics.customers --dialect spark --anomaly-rate 0.01
  $ gmm sql model.json --table customers | duckdb customers.duckdb
  $ gmm sql model.json --table customers --em-step

The scoring query returns every column of the table plus segment, p_1..p_K,
certainty and log_density, as gmm predict and gmm score compute them; the table needs
the model's columns, by the names it was fitted on. --em-step prints instead the
aggregate query of one EM iteration (docs/scale.md).`;

export const SQL_COMMAND = defineCommand<SqlOptions>({
  name: 'sql',
  summary: 'the model as one SQL query that scores a table where it lives',
  arguments: [MODEL_ARGUMENT],
  options: {
    table: {
      flags: '--table <name>',
      help: 'the table to score (a.b.c for a qualified name; each part is quoted)',
      required: true,
    },
    dialect: {
      flags: '--dialect <engine>',
      help: `SQL dialect: ${SQL_DIALECTS.join(', ')}`,
      default: 'duckdb',
      parse: choiceParser(SQL_DIALECTS),
    },
    emStep: {
      flags: '--em-step',
      help: 'print the aggregate query of one EM iteration (the M-step sums) instead',
      default: false,
    },
    anomalyRate: {
      flags: '--anomaly-rate <q>',
      help: 'add an anomaly column: rows rarer than a fraction q of the training rows',
      parse: parsePositiveNumber,
      conflicts: 'threshold',
    },
    threshold: {
      flags: '--threshold <x>',
      help: 'add an anomaly column: log density (original units) below x',
      parse: parseFiniteNumber,
    },
    out: { flags: '--out <file>', help: 'write the query here instead of stdout' },
    ...TERMINAL_OPTIONS,
  },
  examples: SQL_EXAMPLES,
  async run([model], options, io) {
    const { runSql } = await import('../pipeline/sql.js');
    await runSql(model!, options, io);
  },
});
