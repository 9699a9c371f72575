/**
 * Everything the HTML report shows, as plain numbers and names: the command computes
 * it (engine and commands), the files of this folder only lay it out.
 */

import type { CriterionPlotInput } from '../criterion-plot-spec.js';
import type { FitSummary } from '../summary.js';

/** A profile column's value on one plotted row: a number, a category, or missing. */
export type ProfileValue = number | string | null;

/** The points, means and ellipses of a scatter matrix, in original units. */
export interface ScatterMatrixInput {
  readonly title: string;
  readonly subtitle: string;
  /** "Every 100th of the 1000000 rows is shown.", or "" when every row is. */
  readonly thinning: string;
  /** Names of the modelled columns (d). */
  readonly columns: readonly string[];
  /** The pairs shown, as 0-based column indexes [x, y]. */
  readonly pairs: readonly (readonly [number, number])[];
  /** Every pair is shown: laid out as the lower triangle of a matrix, else as a grid. */
  readonly allPairs: boolean;
  /** Legend entries in segment order, e.g. "1 · high income · low score". */
  readonly segmentNames: readonly string[];
  readonly points: {
    /** m×d row-major: the plotted rows (every stride-th row). */
    readonly values: Float64Array;
    /** m: 0-based segment of each. */
    readonly segments: Int32Array;
    /** What a tooltip shows beyond the modelled columns; absent in a static plot. */
    readonly details?: {
      /** m: the row's 1-based number among the input's data rows. */
      readonly rowNumbers: Int32Array;
      /** m×K row-major membership probabilities. */
      readonly probabilities: Float64Array;
      /** m: the largest of them. */
      readonly certainty: Float64Array;
      /** The --profile columns' values on these rows. */
      readonly profiles: readonly {
        readonly name: string;
        readonly values: readonly ProfileValue[];
      }[];
    };
  };
  /** K×d row-major. */
  readonly means: Float64Array;
  /** One closed outline per pair (index into pairs), component and σ. */
  readonly ellipses: readonly {
    readonly pair: number;
    readonly segment: number;
    readonly sigma: 1 | 2;
    /** [x0, y0, x1, y1, …]. */
    readonly outline: Float64Array;
  }[];
}

/** Per-segment means of a numeric column against its mean over all rows. */
export interface NumericProfile {
  readonly column: string;
  readonly modelled: boolean;
  readonly overall: number;
  /** K (NaN: the segment has no value in this column). */
  readonly means: readonly number[];
}

/** Category shares of a --profile column, each segment's bar and the whole table's. */
export interface CategoryProfile {
  readonly column: string;
  /** The categories shown, most common first (the rest as one "other" when there are many). */
  readonly categories: readonly string[];
  /** One stacked bar each: segment (0-based; K = all rows), category, [start, end) of the bar. */
  readonly cells: readonly {
    readonly segment: number;
    readonly category: number;
    readonly share: number;
    readonly start: number;
    readonly end: number;
  }[];
}

export interface CertaintyInput {
  readonly bins: readonly { readonly low: number; readonly high: number; readonly rows: number }[];
  /** The least certain rows, least certain first. */
  readonly leastCertain: readonly {
    readonly rowNumber: number;
    readonly segment: number;
    readonly certainty: number;
    /** K membership probabilities. */
    readonly probabilities: readonly number[];
    /** d modelled values, original units. */
    readonly values: readonly number[];
  }[];
}

/** A sweep over K (and structures): its chart and its table. */
export interface SweepInput {
  readonly criterion: string;
  readonly plot: CriterionPlotInput;
  readonly structures: readonly string[];
  readonly componentCounts: readonly number[];
  readonly cells: readonly {
    readonly nComponents: number;
    readonly structure: string;
    readonly value: number | null;
    readonly stoppedEarly: boolean;
    readonly chosen: boolean;
  }[];
}

/** The fit's settings as shown: name → value, in order. */
export interface SettingsInput {
  readonly commandLine: string;
  readonly version: string;
  readonly entries: readonly { readonly name: string; readonly value: string }[];
}

export interface ReportInput {
  readonly title: string;
  readonly summary: FitSummary;
  readonly segmentNames: readonly string[];
  readonly scatter: ScatterMatrixInput;
  readonly profiles: {
    readonly numeric: readonly NumericProfile[];
    readonly categorical: readonly CategoryProfile[];
  };
  readonly certainty: CertaintyInput;
  readonly sweep: SweepInput | undefined;
  readonly settings: SettingsInput;
}
