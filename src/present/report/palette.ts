/**
 * Segment colours, given to every chart as an explicit range so the summary table's
 * swatches are the same colours as the charts' marks: vega's tableau10 up to 10
 * segments, category20 up to 20, category20 again beyond.
 */
// prettier-ignore
const TABLEAU10 = [
  '#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b',
  '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac',
];
// prettier-ignore
const CATEGORY20 = [
  '#1f77b4', '#aec7e8', '#ff7f0e', '#ffbb78', '#2ca02c', '#98df8a', '#d62728',
  '#ff9896', '#9467bd', '#c5b0d5', '#8c564b', '#c49c94', '#e377c2', '#f7b6d2',
  '#7f7f7f', '#c7c7c7', '#bcbd22', '#dbdb8d', '#17becf', '#9edae5',
];

/** One colour per segment, in segment order. */
export function segmentColors(count: number): string[] {
  const palette = count <= TABLEAU10.length ? TABLEAU10 : CATEGORY20;
  return Array.from({ length: count }, (_, k) => palette[k % palette.length]);
}
