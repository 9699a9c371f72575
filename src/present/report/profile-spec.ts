/**
 * The vega-lite specs of the segment profiles: per column, each segment's mean as a bar
 * from the column's overall mean (so above and below average read at a glance), and per
 * categorical --profile column one stacked bar of category shares per segment and for
 * all rows. Internal field names only (s, m, o, c, x0, x1, v); names are titles and values.
 */

import { chartTitle, formatValue } from '../text.js';
import { segmentColors } from './palette.js';
import type { CategoryProfile, NumericProfile } from './report-input.js';

type Spec = Record<string, unknown>;

const PANELS_PER_ROW = 3;
const ALL_ROWS = 'all rows';

function segmentColor(segmentNames: readonly string[]): Spec {
  return {
    field: 's',
    type: 'nominal',
    scale: { domain: segmentNames, range: segmentColors(segmentNames.length) },
    legend: null,
  };
}

function meanPanel(
  profile: NumericProfile,
  segmentNames: readonly string[],
  labels: boolean,
): Spec {
  const values = segmentNames.map((s, k) => ({
    s,
    m: Number.isFinite(profile.means[k]) ? profile.means[k] : null,
    o: profile.overall,
  }));
  const y = {
    field: 's',
    type: 'nominal',
    title: null,
    sort: null,
    scale: { domain: segmentNames },
    axis: labels ? { labelLimit: 200 } : { labels: false, ticks: false },
  };
  const x = { field: 'm', type: 'quantitative', title: null, scale: { zero: false } };
  const tooltip = [
    { field: 's', type: 'nominal', title: 'segment' },
    { field: 'm', type: 'quantitative', title: 'segment mean', format: ',.4~g' },
    { field: 'o', type: 'quantitative', title: 'mean of all rows', format: ',.4~g' },
  ];
  return {
    title: {
      text: chartTitle(profile.column),
      subtitle: `all rows: ${formatValue(profile.overall)}${profile.modelled ? '' : ' · profile'}`,
      anchor: 'start',
      fontSize: 13,
      limit: 260,
    },
    width: 220,
    height: Math.max(60, 22 * segmentNames.length),
    data: { values },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: { y, x, x2: { field: 'o' }, color: segmentColor(segmentNames), tooltip },
      },
      {
        mark: { type: 'rule', color: '#333', strokeWidth: 1.5 },
        encoding: { x: { field: 'o', type: 'quantitative' } },
      },
    ],
  };
}

/** Every numeric column's panel: modelled columns first, then numeric --profile columns. */
export function meanProfileSpec(
  profiles: readonly NumericProfile[],
  segmentNames: readonly string[],
): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    config: { aria: false, font: 'sans-serif', view: { stroke: null } },
    columns: PANELS_PER_ROW,
    concat: profiles.map((p, i) => meanPanel(p, segmentNames, i % PANELS_PER_ROW === 0)),
    spacing: { row: 24, column: 16 },
  };
}

export function categoryProfileSpec(
  profile: CategoryProfile,
  segmentNames: readonly string[],
): Spec {
  const rows = [...segmentNames, ALL_ROWS];
  const values = profile.cells.map((cell) => ({
    s: rows[cell.segment],
    c: profile.categories[cell.category],
    v: cell.share,
    x0: cell.start,
    x1: cell.end,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    config: { aria: false, font: 'sans-serif', view: { stroke: null } },
    title: { text: chartTitle(profile.column), anchor: 'start', fontSize: 13, limit: 600 },
    width: 560,
    height: Math.max(60, 24 * rows.length),
    data: { values },
    mark: { type: 'bar', height: { band: 0.75 }, stroke: 'white', strokeWidth: 1 },
    encoding: {
      y: {
        field: 's',
        type: 'nominal',
        title: null,
        sort: null,
        scale: { domain: rows },
        axis: { labelLimit: 240 },
      },
      x: {
        field: 'x0',
        type: 'quantitative',
        title: 'share of the segment’s rows',
        scale: { domain: [0, 1] },
        axis: { format: '.0%' },
      },
      x2: { field: 'x1' },
      color: {
        field: 'c',
        type: 'nominal',
        title: null,
        scale: {
          domain: profile.categories,
          scheme: profile.categories.length <= 10 ? 'tableau10' : 'category20',
        },
        legend: { orient: 'right', labelLimit: 200 },
      },
      tooltip: [
        { field: 's', type: 'nominal', title: 'segment' },
        { field: 'c', type: 'nominal', title: 'category' },
        { field: 'v', type: 'quantitative', title: 'share', format: '.1%' },
      ],
    },
  };
}
