import { writeNote, type CommandIo } from '../terminal/terminal.js';
import type { SqlOptions } from './options.js';
import { NEGLIGIBLE_LOG_RATIO } from '../engine/fast-exp.js';
import { computePrecisionFactors } from '../engine/precision.js';
import { logScaleJacobian } from '../io/scaling.js';
import { checkOutputPaths, openOutput, withSignalCleanup } from '../io/write-output.js';
import { emStepQuery } from '../present/sql/em-step-query.js';
import type { SqlMixture } from '../present/sql/membership-steps.js';
import { scoringQuery } from '../present/sql/scoring-query.js';
import { anomalyThreshold, checkAnomalyOptions } from './anomaly-threshold.js';
import { loadModel, type LoadedModel } from './load-model.js';
import { GmmError } from '../errors.js';

/**
 * gmm sql: the model as one SQL query, its constants computed here (the engine's
 * precision factors, the scaling's Jacobian, the anomaly threshold) and written as
 * literals by present/sql/.
 */
export async function runSql(modelPath: string, options: SqlOptions, io: CommandIo): Promise<void> {
  checkAnomalyOptions(options);
  if (options.emStep && (options.anomalyRate !== undefined || options.threshold !== undefined)) {
    throw new GmmError(
      'usage',
      '--em-step prints the sums of one EM iteration: it takes no --anomaly-rate or --threshold',
    );
  }
  const model = await loadModel(modelPath);
  const target = options.out ?? '-';
  checkOutputPaths(new Map([['--out', target]]), modelPath);
  const mixture = sqlMixtureOf(model);
  const query = options.emStep
    ? emStepQuery(mixture, options.table, options.dialect)
    : scoringQuery(mixture, {
        table: options.table,
        dialect: options.dialect,
        logScaleJacobian: logScaleJacobian(model.document.scaler),
        anomalyThreshold: anomalyThreshold(model.document, options, modelPath),
      });
  await withSignalCleanup(async () => {
    const output = openOutput(target, io.stdout);
    try {
      await output.write(query);
      await output.commit();
    } catch (error) {
      output.abort();
      throw error;
    }
  });
  if (!options.quiet && target !== '-') writeNote(io, 'sql', 'note', `wrote ${target}`);
}

/** What the queries need of a loaded model: its scaler and the E-step's precomputed factors. */
export function sqlMixtureOf({ document, parameters }: LoadedModel): SqlMixture {
  const factors = computePrecisionFactors(parameters);
  return {
    columns: document.columns,
    center: document.scaler.center,
    scale: document.scaler.scale,
    nComponents: parameters.nComponents,
    shape: factors.shape,
    invChol: factors.invChol,
    means: factors.means,
    logWeightedNorm: factors.logWeightedNorm,
    projectedMeans: factors.projectedMeans,
    negligibleLogRatio: NEGLIGIBLE_LOG_RATIO,
  };
}
