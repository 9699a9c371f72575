/**
 * The vega-lite spec of the certainty histogram: how many rows have each largest
 * membership probability (bins over [0, 1], counted by the command).
 */

import type { CertaintyInput } from './report-input.js';

export function certaintySpec(input: CertaintyInput): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    config: { aria: false, font: 'sans-serif' },
    width: 560,
    height: 220,
    data: { values: input.bins.map((b) => ({ lo: b.low, hi: b.high, n: b.rows })) },
    mark: { type: 'bar', color: '#4c78a8', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: {
        field: 'lo',
        type: 'quantitative',
        title: 'certainty: the row’s largest membership probability',
        scale: { domain: [0, 1] },
        axis: { format: '.1f', tickCount: 10 },
      },
      x2: { field: 'hi' },
      y: { field: 'n', type: 'quantitative', title: 'rows' },
      tooltip: [
        { field: 'lo', type: 'quantitative', title: 'from', format: '.2f' },
        { field: 'hi', type: 'quantitative', title: 'to', format: '.2f' },
        { field: 'n', type: 'quantitative', title: 'rows', format: ',d' },
      ],
    },
  };
}
