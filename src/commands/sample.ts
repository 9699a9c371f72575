import type { SampleOptions } from '../pipeline/options.js';
import { defineCommand } from './command-spec.js';
import { parsePositiveInteger, parseSeed } from './option-parsers.js';
import {
  DEFAULTS,
  MODEL_ARGUMENT,
  MODEL_COMMAND_EXAMPLES,
  SEED_HELP,
  TERMINAL_OPTIONS,
} from './shared-options.js';

export const SAMPLE_COMMAND = defineCommand<SampleOptions>({
  name: 'sample',
  summary: 'synthetic rows drawn from the model, in original units, with their segment',
  arguments: [MODEL_ARGUMENT],
  options: {
    n: {
      flags: '-n, --n <rows>',
      help: 'how many rows',
      parse: parsePositiveInteger,
      required: true,
    },
    seed: { flags: '--seed <n>', help: SEED_HELP, default: DEFAULTS.seed, parse: parseSeed },
    out: { flags: '--out <file>', help: 'write the CSV here instead of stdout' },
    ...TERMINAL_OPTIONS,
  },
  examples: MODEL_COMMAND_EXAMPLES,
  async run([model], options, io) {
    const { runSample } = await import('../pipeline/sample.js');
    await runSample(model!, options, io);
  },
});
