import { describe, expect, it } from 'vitest';
import { preloadRenderer, renderSvg } from '../../src/present/render-svg.js';
import { scatterSpec, type ScatterInput } from '../../src/present/scatter-spec.js';

function input(xTitle: string, segmentNames: string[]): ScatterInput {
  const ring = (segment: string, cx: number) =>
    Array.from({ length: 9 }, (_, s) => ({
      x: cx + Math.cos((s / 8) * 2 * Math.PI),
      y: Math.sin((s / 8) * 2 * Math.PI),
      segment,
      ring: `${segment}-1`,
      sigma: '1σ',
      order: s,
    }));
  return {
    title: 'data.csv: 2 segments',
    subtitle: 'full covariance',
    xTitle,
    yTitle: 'Score',
    segmentNames,
    points: [
      { x: 0, y: 0, segment: segmentNames[0] },
      { x: 10, y: 1, segment: segmentNames[1] },
    ],
    ellipses: [...ring(segmentNames[0], 0), ...ring(segmentNames[1], 10)],
    means: [
      { x: 0, y: 0, segment: segmentNames[0] },
      { x: 10, y: 0, segment: segmentNames[1] },
    ],
  };
}

describe('renderSvg (vega-lite → vega)', () => {
  it('renders a real SVG with titles, legend entries and one path per ellipse', async () => {
    const svg = await renderSvg(
      scatterSpec(input('Annual Income (k$)', ['1 · high income', '2 · low income'])),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Annual Income (k$)');
    expect(svg).toContain('1 · high income');
    expect(svg).toContain('data.csv: 2 segments');
    // One line mark path per ring: the ellipse layer draws closed polylines.
    expect((svg.match(/class="mark-line/g) ?? []).length).toBeGreaterThan(0);
  });

  it('keeps hostile names inert: escaped text, no broken fields', async () => {
    const names = ['1 · <script>alert(1)</script>', '2 · a.b[0] "q" \\ end'];
    const svg = await renderSvg(scatterSpec(input('x.y[0] "quoted" \\ <b>', names)));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('x.y[0]');
  });
});

describe('titles that name members of Object.prototype', () => {
  // vega looks title text up in a plain object: "constructor" once failed to render
  // ("Operator not defined: undefined") and "__proto__" vanished
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('%s', async (name) => {
    const spec = scatterSpec({ ...input(name, ['1 · a', '2 · b']), yTitle: name, title: name });
    const svg = await renderSvg(spec);
    const titles = svg.match(new RegExp(`>${name} ?</text>`, 'g')) ?? [];
    expect(titles.length).toBe(3);
  });
});

describe('preloadRenderer', () => {
  it('starts loading early; the render after it is the same', async () => {
    const spec = scatterSpec(input('Income', ['1 · a', '2 · b']));
    const before = await renderSvg(spec);
    preloadRenderer();
    preloadRenderer();
    expect(await renderSvg(spec)).toBe(before);
  });
});
