import { chartTitle } from './text.js';

/** A Vega-Lite quantitative position channel over `field`, not forced to include 0. */
export function quantitative(field: string, title: string): Record<string, unknown> {
  return { field, type: 'quantitative', title: chartTitle(title), scale: { zero: false } };
}

/** A Vega-Lite colour channel over `field` with a fixed order of values (`domain`). */
export function nominalColor(
  field: string,
  title: string,
  domain: readonly string[],
  scheme: string,
): Record<string, unknown> {
  return { field, type: 'nominal', title, scale: { domain, scheme } };
}

/** A chart's title and subtitle, left-aligned. */
export function chartHeading(title: string, subtitle: string): Record<string, unknown> {
  return { text: chartTitle(title), subtitle: chartTitle(subtitle), anchor: 'start' };
}

/** The ellipses' line style by `sigma`: 1σ solid, 2σ dashed. */
export const SIGMA_DASH: Record<string, unknown> = {
  field: 'sigma',
  type: 'nominal',
  title: 'ellipse',
  scale: {
    domain: ['1σ', '2σ'],
    range: [
      [1, 0],
      [6, 4],
    ],
  },
};
