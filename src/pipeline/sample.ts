import { writeNote, type CommandIo } from '../terminal/terminal.js';
import type { SampleOptions } from './options.js';
import { Random } from '../engine/random.js';
import { covarianceFactors, sampleMixture } from '../engine/sample.js';
import { formatCsvRow, formatMeasurement } from '../io/csv-format.js';
import { quoteValue } from '../io/quote-value.js';
import { checkOutputPaths, openOutput, withSignalCleanup } from '../io/write-output.js';
import { plural } from '../present/text.js';
import { loadModel } from './load-model.js';
import { GmmError } from '../errors.js';

/** Rows drawn per batch: output streams, memory stays flat for any -n. */
const SAMPLE_BATCH = 8192;
/** Distinguishes sample's random stream from fit's, which use (seed, K, type, start). */
const SAMPLE_STREAM = 0x5a3e;

/** gmm sample: N synthetic rows in original units with their segment, deterministic per seed. */
export async function runSample(
  modelPath: string,
  options: SampleOptions,
  io: CommandIo,
): Promise<void> {
  const { document, parameters } = await loadModel(modelPath);
  const target = options.out ?? '-';
  checkOutputPaths(new Map([['--out', target]]), modelPath);
  const { center, scale } = document.scaler;
  const d = parameters.nFeatures;
  const factors = covarianceFactors(parameters);
  const random = new Random(options.seed, SAMPLE_STREAM);
  await withSignalCleanup(async () => {
    const output = openOutput(target, io.stdout);
    try {
      await output.write(`${formatCsvRow([...document.columns, 'segment'], ',')}\n`);
      for (let done = 0; done < options.n; done += SAMPLE_BATCH) {
        const count = Math.min(SAMPLE_BATCH, options.n - done);
        const { values, components } = sampleMixture(parameters, factors, count, random);
        let text = '';
        const fields: string[] = new Array(d + 1);
        for (let i = 0; i < count; i++) {
          for (let j = 0; j < d; j++) {
            const value = center[j] + scale[j] * values[i * d + j];
            // Only a hand-edited model can get here (a fit refuses such spreads).
            if (!Number.isFinite(value)) throw overflowError(modelPath, document.columns[j]);
            fields[j] = formatMeasurement(value);
          }
          fields[d] = String(components[i] + 1);
          text += `${formatCsvRow(fields, ',')}\n`;
        }
        await output.write(text);
      }
      await output.commit();
    } catch (error) {
      output.abort();
      throw error;
    }
  });
  if (!options.quiet && target !== '-')
    writeNote(io, 'sample', 'note', `wrote ${plural(options.n, 'row')} to ${target}`);
}

function overflowError(modelPath: string, column: string): GmmError {
  return new GmmError(
    'data',
    `${modelPath}: a value drawn for column ${quoteValue(column)} is too large for a number`,
    "check the model's scaler.scale and covariances, or refit it with gmm fit --model",
  );
}
