/**
 * What each command's run takes, typed: the option tables of src/commands/ must give
 * every key (command-spec.ts, OptionTable), and the pipeline reads them.
 */
import type { SweepSettings } from '../engine/search-sample.js';
import type { CovarianceType, Criterion } from '../engine/types.js';
import type { InputFormat } from '../io/input-format.js';
import type { MissingPolicy } from '../io/cell-number.js';
import type { DecimalMark } from '../io/parse-number.js';
import type { InputEncoding } from '../io/transcode.js';
import type { ScaleMethod } from '../io/scaling.js';
import type { SqlDialect } from '../present/sql/dialect.js';
import type { SummaryFormat } from '../present/summary-formats.js';

/** -k: one K, or the list of K a sweep tries. */
export type ComponentsSpec =
  | { readonly kind: 'fixed'; readonly nComponents: number }
  | { readonly kind: 'sweep'; readonly candidates: readonly number[]; readonly text: string };

/** What every command takes: quiet, and --verbose (read by cli/main.ts before parsing). */
export interface TerminalOptions {
  readonly quiet: boolean;
  readonly verbose: boolean;
}

export interface MissingOptions {
  readonly missing: MissingPolicy;
}

/** How the input's text is read: its encoding and its numbers' decimal mark. */
export interface InputOptions {
  readonly decimal: DecimalMark;
  readonly encoding: InputEncoding;
  readonly inputFormat: InputFormat;
}

/**
 * Options fit and select-k share (docs/DESIGN.md, "Shared options"): the data, and the
 * search's settings exactly as the engine takes them (SweepSettings).
 */
export interface ModelOptions extends SweepSettings, TerminalOptions, MissingOptions, InputOptions {
  readonly cols: string[] | undefined;
  readonly components: ComponentsSpec;
  readonly scale: ScaleMethod;
  readonly profile: string[] | undefined;
  readonly threads: number;
  /** The column of row (frequency) weights; undefined: every row counts once. */
  readonly weights: string | undefined;
}

/** Options of the fitted model's outputs: fit, and select-k --fit. */
export interface FitOutputOptions {
  readonly outDir: string | undefined;
  readonly labels: string | undefined;
  readonly model: string | undefined;
  readonly plotCols: string | undefined;
  /** The HTML report (select-k: of the best cell, so it implies --fit). */
  readonly report: string | undefined;
  readonly format: SummaryFormat;
  /** The labelled CSV adds each modelled column imputed (--missing em). */
  readonly impute: boolean;
}

export interface FitOptions extends ModelOptions, FitOutputOptions {
  readonly covariance: CovarianceType;
  /** The scatter with ellipses. */
  readonly plot: string | undefined;
}

export interface SelectKOptions extends ModelOptions, FitOutputOptions {
  readonly covariance: CovarianceType[];
  readonly criterion: Criterion;
  /** The criterion plot (not the scatter: that comes with --fit and --out-dir). */
  readonly plot: string | undefined;
  readonly fit: boolean;
}

export interface PredictOptions extends TerminalOptions, MissingOptions, InputOptions {
  readonly labels: string | undefined;
}

export interface ScoreOptions extends TerminalOptions, MissingOptions, InputOptions {
  readonly out: string | undefined;
  readonly anomalyRate: number | undefined;
  readonly threshold: number | undefined;
}

export interface SampleOptions extends TerminalOptions {
  readonly n: number;
  readonly seed: number;
  readonly out: string | undefined;
}

export interface SqlOptions extends TerminalOptions {
  /** The table (or a.b.c qualified name) the query reads. */
  readonly table: string;
  readonly dialect: SqlDialect;
  /** The EM-step aggregate query instead of the scoring query. */
  readonly emStep: boolean;
  readonly anomalyRate: number | undefined;
  readonly threshold: number | undefined;
  readonly out: string | undefined;
}
