import { computePrecisionFactors } from '../engine/precision.js';
import type { CovarianceType, MixtureParameters } from '../engine/types.js';
import type { ModelDocument } from '../io/model-document.js';
import { readModelFile } from '../io/model-file.js';
import { GmmError, isGmmError } from '../errors.js';

export interface LoadedModel {
  readonly document: ModelDocument;
  /** Scaled units, as the engine uses them. */
  readonly parameters: MixtureParameters;
}

/** Reads, validates and converts a model: shapes by the io layer, positive definiteness here. */
export async function loadModel(path: string): Promise<LoadedModel> {
  const document = await readModelFile(path);
  const d = document.columns.length;
  const K = document.components.length;
  const weights = Float64Array.from(document.components, (c) => c.weight);
  const means = new Float64Array(K * d);
  const covariances = new Float64Array(K * d * d);
  document.components.forEach((component, k) => {
    means.set(component.mean, k * d);
    component.covariance.forEach((row, a) =>
      row.forEach((value, b) => {
        // Symmetric within 1e-9 (checked); made exactly symmetric for the Cholesky.
        covariances[k * d * d + a * d + b] = a <= b ? value : component.covariance[b][a];
      }),
    );
  });
  const parameters: MixtureParameters = {
    nComponents: K,
    nFeatures: d,
    covarianceType: document.covarianceType as CovarianceType,
    weights,
    means,
    covariances,
  };
  for (let k = 0; k < K; k++) {
    const single: MixtureParameters = {
      ...parameters,
      nComponents: 1,
      weights: Float64Array.of(1),
      means: means.subarray(k * d, (k + 1) * d),
      covariances: covariances.subarray(k * d * d, (k + 1) * d * d),
    };
    try {
      computePrecisionFactors(single);
    } catch (error) {
      if (!isGmmError(error, 'numeric')) throw error;
      throw new GmmError(
        'data',
        `${path}: components[${k}].covariance is not positive definite`,
        'refit the model with gmm fit --model',
      );
    }
  }
  return { document, parameters };
}
