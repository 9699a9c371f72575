/**
 * The vega-lite spec of the segment scatter: points coloured by segment, each mean
 * marked, and the 1σ and 2σ ellipses drawn as closed polylines. Fields are internal
 * names (x, y, segment, ring, order, sigma); the user's column names appear only as
 * titles and data values, where no character of theirs can break a field or expression.
 */

import { chartHeading, nominalColor, quantitative, SIGMA_DASH } from './encodings.js';

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  readonly segment: string;
}

export interface EllipseVertex extends ScatterPoint {
  /** One id per drawn outline, e.g. "2-1σ". */
  readonly ring: string;
  readonly sigma: string;
  readonly order: number;
}

export interface ScatterInput {
  readonly title: string;
  readonly subtitle: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Legend entries in segment order, e.g. "1 · high income · low score". */
  readonly segmentNames: readonly string[];
  readonly points: readonly ScatterPoint[];
  readonly ellipses: readonly EllipseVertex[];
  readonly means: readonly ScatterPoint[];
}

const WIDTH = 640;
const HEIGHT = 460;

export function scatterSpec(input: ScatterInput): Record<string, unknown> {
  const palette = input.segmentNames.length <= 10 ? 'tableau10' : 'category20';
  const x = quantitative('x', input.xTitle);
  const y = quantitative('y', input.yTitle);
  const color = {
    ...nominalColor('segment', 'segment', input.segmentNames, palette),
    legend: { labelLimit: 360, symbolType: 'circle' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartHeading(input.title, input.subtitle),
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    config: { aria: false, font: 'sans-serif', legend: { orient: 'right' } },
    layer: [
      {
        data: { values: input.points },
        mark: { type: 'circle', size: 28, opacity: 0.75 },
        encoding: { x, y, color },
      },
      {
        data: { values: input.ellipses },
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          x,
          y,
          color,
          detail: { field: 'ring', type: 'nominal' },
          order: { field: 'order', type: 'quantitative' },
          strokeDash: SIGMA_DASH,
        },
      },
      {
        data: { values: input.means },
        mark: {
          type: 'point',
          shape: 'cross',
          size: 220,
          filled: true,
          stroke: 'black',
          strokeWidth: 1,
        },
        encoding: { x, y, color: { ...color, legend: null } },
      },
    ],
  };
}
