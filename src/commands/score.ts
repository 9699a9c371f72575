import type { ScoreOptions } from '../pipeline/options.js';
import { defineCommand } from './command-spec.js';
import { parseFiniteNumber, parsePositiveNumber } from './option-parsers.js';
import {
  INPUT_ARGUMENT,
  inputFile,
  INPUT_OPTIONS,
  MISSING_OPTIONS,
  MODEL_ARGUMENT,
  MODEL_COMMAND_EXAMPLES,
  TERMINAL_OPTIONS,
} from './shared-options.js';

export const SCORE_COMMAND = defineCommand<ScoreOptions>({
  name: 'score',
  summary: 'log density of each row under the model; flag the least likely rows',
  arguments: [MODEL_ARGUMENT, INPUT_ARGUMENT],
  options: {
    out: { flags: '--out <file>', help: 'write the scored CSV here instead of stdout' },
    anomalyRate: {
      flags: '--anomaly-rate <q>',
      help: 'flag rows rarer than a fraction q of the training rows (e.g. 0.01)',
      parse: parsePositiveNumber,
      conflicts: 'threshold',
    },
    threshold: {
      flags: '--threshold <x>',
      help: 'flag rows whose log density (original units) is below x',
      parse: parseFiniteNumber,
    },
    ...MISSING_OPTIONS,
    ...INPUT_OPTIONS,
    ...TERMINAL_OPTIONS,
  },
  examples: MODEL_COMMAND_EXAMPLES,
  async run([model, file], options, io) {
    const { runScore } = await import('../pipeline/score.js');
    await runScore(model!, inputFile('score', file, io), options, io);
  },
});
