import { interpolateQuantile } from '../engine/quantiles.js';
import type { ModelDocument } from '../io/model-document.js';
import { GmmError } from '../errors.js';

/** --anomaly-rate q or --threshold x, as score and sql take them. */
export interface AnomalyOptions {
  readonly anomalyRate: number | undefined;
  readonly threshold: number | undefined;
}

/** Refuses both at once and a rate outside (0, 1), before the model is read. */
export function checkAnomalyOptions(options: AnomalyOptions): void {
  if (options.anomalyRate !== undefined && options.threshold !== undefined) {
    throw new GmmError('usage', 'give --anomaly-rate or --threshold, not both');
  }
  if (options.anomalyRate !== undefined && !(options.anomalyRate > 0 && options.anomalyRate < 1)) {
    throw new GmmError(
      'usage',
      `--anomaly-rate ${options.anomalyRate} must be between 0 and 1`,
      'e.g. --anomaly-rate 0.01 for the rarest 1%',
    );
  }
}

/**
 * The log density (original units) below which a row is an anomaly: --threshold as
 * given, or --anomaly-rate q read from the training quantiles the model stores;
 * undefined when neither is given.
 */
export function anomalyThreshold(
  document: ModelDocument,
  options: AnomalyOptions,
  modelPath: string,
): number | undefined {
  if (options.anomalyRate === undefined) return options.threshold;
  const density = document.density;
  if (density === undefined) {
    throw new GmmError(
      'usage',
      `${modelPath} has no training density quantiles`,
      'refit it with this gmm, or use --threshold',
    );
  }
  return interpolateQuantile(density.levels, density.logDensityQuantiles, options.anomalyRate);
}
