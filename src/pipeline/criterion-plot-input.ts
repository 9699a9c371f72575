import type { CriterionPlotInput, CriterionPoint } from '../present/criterion-plot-spec.js';
import { formatCriterion } from '../present/text.js';

/**
 * The criterion chart's input, for select-k's --plot and the report's sweep section:
 * one point per cell that has a value, the marked cell named as `markedAs` ("best" in
 * select-k, "chosen" in a fit's report).
 */
export function criterionPlotInput(
  heading: string,
  columns: readonly string[],
  criterion: string,
  structures: readonly string[],
  cells: readonly { nComponents: number; structure: string; value: number | null }[],
  marked: CriterionPoint,
  markedAs: 'best' | 'chosen',
): CriterionPlotInput {
  const name = criterion.toUpperCase();
  return {
    title: `${heading}${name} by number of segments`,
    subtitle: `${columns.join(', ')} · lower is better (mclust plots the negative) · best of the search per point`,
    yTitle: `${name} (lower is better)`,
    structures,
    points: cells.flatMap((c) =>
      c.value === null ? [] : [{ k: c.nComponents, value: c.value, structure: c.structure }],
    ),
    best: marked,
    bestLabel: `${markedAs}: ${marked.structure} K=${marked.k} (${formatCriterion(marked.value)})`,
  };
}
