/**
 * The vega-lite spec of select-k's plot: the criterion against K, one line with
 * markers per covariance structure, the best cell ringed and annotated. Internal
 * field names only (k, value, structure); names appear as titles and values.
 */

import { chartHeading, nominalColor, quantitative } from './encodings.js';

export interface CriterionPoint {
  readonly k: number;
  readonly value: number;
  readonly structure: string;
}

export interface CriterionPlotInput {
  readonly title: string;
  readonly subtitle: string;
  /** e.g. "BIC (lower is better)" */
  readonly yTitle: string;
  readonly structures: readonly string[];
  readonly points: readonly CriterionPoint[];
  readonly best: CriterionPoint;
  readonly bestLabel: string;
}

export function criterionPlotSpec(input: CriterionPlotInput): Record<string, unknown> {
  const x = {
    field: 'k',
    type: 'quantitative',
    title: 'number of segments K',
    axis: { tickMinStep: 1, format: 'd' },
    scale: { zero: false },
  };
  const y = quantitative('value', input.yTitle);
  const color = nominalColor('structure', 'covariance', input.structures, 'tableau10');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartHeading(input.title, input.subtitle),
    width: 560,
    height: 380,
    background: 'white',
    config: { aria: false, font: 'sans-serif' },
    layer: [
      {
        data: { values: input.points },
        mark: { type: 'line', point: { filled: true, size: 50 }, strokeWidth: 2 },
        encoding: { x, y, color },
      },
      {
        data: { values: [input.best] },
        mark: { type: 'point', size: 420, strokeWidth: 2.5, color: 'black', filled: false },
        encoding: { x, y },
      },
      {
        data: { values: [{ ...input.best, label: input.bestLabel }] },
        mark: { type: 'text', dy: -18, fontWeight: 'bold', align: 'center' },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}
