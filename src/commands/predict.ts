import type { PredictOptions } from '../pipeline/options.js';
import { defineCommand } from './command-spec.js';
import {
  INPUT_ARGUMENT,
  inputFile,
  INPUT_OPTIONS,
  MISSING_OPTIONS,
  MODEL_ARGUMENT,
  MODEL_COMMAND_EXAMPLES,
  TERMINAL_OPTIONS,
} from './shared-options.js';

export const PREDICT_COMMAND = defineCommand<PredictOptions>({
  name: 'predict',
  summary: 'segment and membership probabilities for new rows (labelled CSV on stdout)',
  arguments: [MODEL_ARGUMENT, INPUT_ARGUMENT],
  options: {
    labels: { flags: '--labels <file>', help: 'write the labelled CSV here instead of stdout' },
    ...MISSING_OPTIONS,
    ...INPUT_OPTIONS,
    ...TERMINAL_OPTIONS,
  },
  examples: MODEL_COMMAND_EXAMPLES,
  async run([model, file], options, io) {
    const { runPredict } = await import('../pipeline/predict.js');
    await runPredict(model!, inputFile('predict', file, io), options, io);
  },
});
