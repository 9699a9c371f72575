/**
 * The vega-lite spec of the scatter matrix: one panel per pair of modelled columns,
 * points coloured by segment, each mean marked, 1σ and 2σ ellipses. Every pair is laid
 * out as the lower triangle of a matrix (a row per y column, a column per x column);
 * chosen pairs as a grid. The interactive version (the HTML report) adds tooltips and a
 * legend that highlights a segment in every panel; the static one is the SVG of --plot.
 *
 * Field names are internal (c0…, s, p0…); the user's names appear only as titles and
 * data values, where none of their characters can break a field or an expression.
 */

import { chartHeading, SIGMA_DASH } from '../encodings.js';
import { chartTitle } from '../text.js';
import { segmentColors } from './palette.js';
import type { ScatterMatrixInput } from './report-input.js';

type Spec = Record<string, unknown>;

/** Pairs per row when only chosen pairs are shown. */
const GRID_COLUMNS = 3;
/** Widest a row of panels gets, in pixels: fits a laptop screen beside nothing. */
const ROW_WIDTH = 1120;

/** Titles made unique (a tooltip is an object keyed by title) and safe for vega. */
function uniqueTitles(titles: readonly string[]): string[] {
  const seen = new Set<string>();
  return titles.map((title) => {
    let unique = chartTitle(title);
    for (let n = 2; seen.has(unique); n++) unique = `${chartTitle(title)} (${n})`;
    seen.add(unique);
    return unique;
  });
}

function datasets(input: ScatterMatrixInput): Record<string, Spec[]> {
  const d = input.columns.length;
  const { values, segments, details } = input.points;
  const K = input.segmentNames.length;
  const points = Array.from(segments, (segment, i) => {
    const point: Spec = { s: input.segmentNames[segment] };
    for (let j = 0; j < d; j++) point[`c${j}`] = values[i * d + j];
    if (details !== undefined) {
      point.r = details.rowNumbers[i];
      for (let k = 0; k < K; k++) point[`p${k}`] = details.probabilities[i * K + k];
      point.q = details.certainty[i];
      details.profiles.forEach((profile, j) => (point[`t${j}`] = profile.values[i]));
    }
    return point;
  });
  const means = input.segmentNames.map((s, k) => {
    const mean: Spec = { s };
    for (let j = 0; j < d; j++) mean[`c${j}`] = input.means[k * d + j];
    return mean;
  });
  const ellipses = input.ellipses.flatMap(({ pair, segment, sigma, outline }) =>
    Array.from({ length: outline.length / 2 }, (_, v) => ({
      pair,
      s: input.segmentNames[segment],
      ring: `${segment + 1}-${sigma}`,
      sigma: `${sigma}σ`,
      order: v,
      x: outline[2 * v],
      y: outline[2 * v + 1],
    })),
  );
  return { points, means, ellipses };
}

function tooltip(input: ScatterMatrixInput): Spec[] {
  const details = input.points.details;
  if (details === undefined) return [];
  const K = input.segmentNames.length;
  const titles = uniqueTitles([
    'segment',
    'row',
    ...input.columns,
    ...details.profiles.map((p) => p.name),
    ...input.segmentNames.map((_, k) => `P(segment ${k + 1})`),
    'certainty',
  ]);
  const fields = [
    { field: 's', type: 'nominal' },
    { field: 'r', type: 'quantitative', format: 'd' },
    ...input.columns.map((_, j) => ({ field: `c${j}`, type: 'quantitative', format: ',.6~g' })),
    ...details.profiles.map((_, j) => ({ field: `t${j}`, type: 'nominal' })),
    ...Array.from({ length: K }, (_, k) => ({
      field: `p${k}`,
      type: 'quantitative',
      format: '.4f',
    })),
    { field: 'q', type: 'quantitative', format: '.4f' },
  ];
  return fields.map((field, i) => ({ ...field, title: titles[i] }));
}

interface PanelLayout {
  readonly size: number;
  readonly xTitle: boolean;
  readonly yTitle: boolean;
}

function panel(
  input: ScatterMatrixInput,
  pairIndex: number,
  layout: PanelLayout,
  interactive: boolean,
  first: boolean,
): Spec {
  const [a, b] = input.pairs[pairIndex];
  const axisTitle = (j: number, shown: boolean) => (shown ? chartTitle(input.columns[j]) : null);
  const x = (field: string) => ({
    field,
    type: 'quantitative',
    title: axisTitle(a, layout.xTitle),
    scale: { zero: false, nice: false, padding: 8 },
    axis: { labelFontSize: 10, tickCount: 5, labelOverlap: true },
  });
  const y = (field: string) => ({
    field,
    type: 'quantitative',
    title: axisTitle(b, layout.yTitle),
    scale: { zero: false, nice: false, padding: 8 },
    axis: { labelFontSize: 10, tickCount: 5, labelOverlap: true },
  });
  const color = {
    field: 's',
    type: 'nominal',
    title: 'segment',
    scale: { domain: input.segmentNames, range: segmentColors(input.segmentNames.length) },
    legend: { labelLimit: 360, symbolType: 'circle', orient: 'top', columns: 3 },
  };
  const highlighted = (on: number, off: number) =>
    interactive ? { condition: { param: 'pick', value: on, empty: true }, value: off } : on;
  const pointSize = Math.round(Math.max(10, Math.min(28, layout.size / 16)));
  const points: Spec = {
    data: { name: 'points' },
    mark: { type: 'circle', size: pointSize },
    encoding: {
      x: x(`c${a}`),
      y: y(`c${b}`),
      color,
      opacity: highlighted(0.7, 0.06),
      ...(interactive ? { tooltip: tooltip(input) } : {}),
    },
  };
  if (interactive && first) {
    points.params = [{ name: 'pick', select: { type: 'point', fields: ['s'] }, bind: 'legend' }];
  }
  const ellipses: Spec = {
    data: { name: 'ellipses' },
    transform: [{ filter: `datum.pair === ${pairIndex}` }],
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: x('x'),
      y: y('y'),
      color,
      opacity: highlighted(1, 0.15),
      detail: { field: 'ring', type: 'nominal' },
      order: { field: 'order', type: 'quantitative' },
      strokeDash: { ...SIGMA_DASH, legend: { orient: 'top' } },
    },
  };
  const means: Spec = {
    data: { name: 'means' },
    mark: { type: 'point', shape: 'cross', filled: true, stroke: 'black', strokeWidth: 1 },
    encoding: {
      x: x(`c${a}`),
      y: y(`c${b}`),
      color,
      opacity: highlighted(1, 0.2),
      size: { value: Math.round(pointSize * 7) },
      ...(interactive
        ? {
            tooltip: [
              { field: 's', type: 'nominal', title: 'mean of segment' },
              ...uniqueTitles([input.columns[a], input.columns[b]]).map((title, i) => ({
                field: `c${[a, b][i]}`,
                type: 'quantitative',
                format: ',.6~g',
                title,
              })),
            ],
          }
        : {}),
    },
  };
  return { width: layout.size, height: layout.size, layer: [points, ellipses, means] };
}

/** Panels in rows: the lower triangle of the columns, or a grid of the chosen pairs. */
function rows(input: ScatterMatrixInput, interactive: boolean): Spec[] {
  const d = input.columns.length;
  let first = true;
  const make = (pairIndex: number, layout: PanelLayout) => {
    const spec = panel(input, pairIndex, layout, interactive, first);
    first = false;
    return spec;
  };
  if (input.pairs.length === 1) {
    return [{ hconcat: [make(0, { size: 520, xTitle: true, yTitle: true })] }];
  }
  if (input.allPairs) {
    const size = Math.max(150, Math.min(340, Math.floor(ROW_WIDTH / (d - 1)) - 40));
    const find = (a: number, b: number) => input.pairs.findIndex(([x, y]) => x === a && y === b);
    return Array.from({ length: d - 1 }, (_, r) => {
      const yColumn = r + 1;
      return {
        hconcat: Array.from({ length: yColumn }, (_, xColumn) =>
          make(find(xColumn, yColumn), {
            size,
            xTitle: yColumn === d - 1,
            yTitle: xColumn === 0,
          }),
        ),
      };
    });
  }
  const size = Math.floor(ROW_WIDTH / GRID_COLUMNS) - 60;
  const out: Spec[] = [];
  for (let start = 0; start < input.pairs.length; start += GRID_COLUMNS) {
    const indexes = input.pairs.slice(start, start + GRID_COLUMNS).map((_, i) => start + i);
    out.push({ hconcat: indexes.map((i) => make(i, { size, xTitle: true, yTitle: true })) });
  }
  return out;
}

export function scatterMatrixSpec(input: ScatterMatrixInput, interactive: boolean): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(interactive ? {} : { title: chartHeading(input.title, input.subtitle) }),
    background: 'white',
    config: {
      aria: false,
      font: 'sans-serif',
      axis: { titleFontSize: 12, titleLimit: 280 },
      concat: { spacing: 14 },
    },
    datasets: datasets(input),
    vconcat: rows(input, interactive),
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}
