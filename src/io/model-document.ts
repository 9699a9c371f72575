import { stringifyInert } from './json-text.js';
import type { Scaler } from './scaling.js';

/**
 * The model file (docs/DESIGN.md, "Model JSON"). Bump MODEL_VERSION on any incompatible change.
 * Version 2 (mclust's fourteen models) adds `model`, the mclust name, and lets
 * `covarianceType` be any of them; version 1 files (scikit-learn's four) still load.
 */
export const MODEL_FORMAT = 'gmm-model';
export const MODEL_VERSION = 2;

export interface ComponentDocument {
  readonly segment: number;
  readonly label: string;
  readonly weight: number;
  /** Scaled units. */
  readonly mean: number[];
  readonly covariance: number[][];
  /** Original units. */
  readonly meanOriginal: number[];
  readonly covarianceOriginal: number[][];
}

export interface FitDocument {
  readonly logLikelihood: number;
  readonly logLikelihoodOriginal: number;
  readonly bic: number;
  readonly aic: number;
  readonly icl: number;
  readonly criteriaSign: string;
  readonly nParameters: number;
  readonly nSamples: number;
  readonly nDropped: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Random starts the search explored. */
  readonly nInit: number;
  /** Split-and-merge moves that improved the best start's solution. */
  readonly splitMergeMoves: number;
  readonly bestStart: number;
  readonly init: string;
  readonly seed: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly regCovar: number;
  readonly logLikelihoodTrajectory: number[];
}

export interface SelectionEntry {
  readonly nComponents: number;
  readonly covarianceType: string;
  readonly logLikelihood: number | null;
  readonly bic: number | null;
  readonly failure: string | null;
}

export interface ModelDocument {
  readonly format: typeof MODEL_FORMAT;
  readonly version: 1 | typeof MODEL_VERSION;
  readonly columns: string[];
  readonly scaler: Scaler;
  /** full, tied, diag, spherical, or one of mclust's other ten names (EII, VEV, …). */
  readonly covarianceType: string;
  /** mclust's name of the model (VVV for full; E or V for one column); from version 2. */
  readonly model?: string;
  readonly components: ComponentDocument[];
  readonly fit: FitDocument;
  /**
   * Quantiles of the training rows' log density (original units) at tail
   * probabilities `levels`: `gmm score --anomaly-rate q` flags rows rarer than a
   * fraction q of the training customers.
   */
  readonly density: { readonly levels: number[]; readonly logDensityQuantiles: number[] };
  /** Present when K was chosen by a sweep (-k auto or a range). */
  readonly selection?: { readonly criterion: string; readonly candidates: SelectionEntry[] };
  readonly tool: { readonly name: string; readonly version: string };
}

/** d×d row-major → nested arrays, as the JSON stores matrices. */
export function toNestedMatrix(values: ArrayLike<number>, d: number, offset = 0): number[][] {
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => values[offset + a * d + b]),
  );
}

export function serializeModel(document: ModelDocument): string {
  return `${stringifyInert(document)}\n`;
}
