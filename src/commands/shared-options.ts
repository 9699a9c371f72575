import type { CovarianceType, InitMethod } from '../engine/types.js';
import type { MissingPolicy } from '../io/extract-matrix.js';
import type { ScaleMethod } from '../io/scaling.js';
import type { SummaryFormat } from '../present/summary.js';

/** -k: one K, or the list of K a sweep tries. */
export type ComponentsSpec =
  | { readonly kind: 'fixed'; readonly nComponents: number }
  | { readonly kind: 'sweep'; readonly candidates: readonly number[]; readonly text: string };

/** Options fit and select-k share (docs/DESIGN.md, "Shared options"), as commander parses them. */
export interface ModelOptions {
  readonly cols: string[] | undefined;
  readonly components: ComponentsSpec;
  readonly scale: ScaleMethod;
  readonly init: InitMethod;
  readonly nInit: number | 'auto';
  readonly maxIter: number;
  readonly tol: number;
  readonly regCovar: number;
  readonly seed: number;
  readonly missing: MissingPolicy;
  readonly profile: string[] | undefined;
  readonly threads: number;
  readonly quiet: boolean;
}

/** Options of the fitted model's outputs: fit, and select-k --fit. */
export interface FitOutputOptions {
  readonly outDir: string | undefined;
  readonly labels: string | undefined;
  readonly model: string | undefined;
  readonly plotCols: string | undefined;
  readonly format: SummaryFormat;
}

export interface FitCommandOptions extends ModelOptions, FitOutputOptions {
  readonly covariance: CovarianceType;
  readonly plot: string | undefined;
}
