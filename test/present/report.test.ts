import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandLine } from '../../src/pipeline/command-line.js';
import { categoryProfile } from '../../src/pipeline/report-input-of.js';
import { inputRowNumbers } from '../../src/pipeline/scatter-matrix-input.js';
import { escapeHtml, scriptJson } from '../../src/present/report/html-text.js';
import type { ScatterMatrixInput } from '../../src/present/report/report-input.js';
import { scatterMatrixSpec } from '../../src/present/report/scatter-matrix-spec.js';
import { renderSvg } from '../../src/present/render-svg.js';

describe('text from the data in HTML', () => {
  it('escapes the five characters that can end text or an attribute', () => {
    expect(escapeHtml(`</script><a href="x" title='y'>&amp;`)).toBe(
      '&lt;/script&gt;&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;',
    );
  });

  it('JSON for a <script> block holds no <, > or & and reads back the same', () => {
    const value = {
      '</script><script>alert(1)</script>': ['<!--', '&amp;', '\u2028\u2029', 'plain'],
      __proto__x: 1,
    };
    const text = scriptJson(value);
    expect(/[<>&\u2028\u2029]/.test(text)).toBe(false);
    expect(JSON.parse(text)).toEqual(value);
  });
});

/** A scatter matrix input over d columns: two segments, one point each, no ellipses. */
function matrixInput(d: number, pairs: [number, number][], allPairs: boolean): ScatterMatrixInput {
  return {
    title: 't',
    subtitle: 's',
    thinning: '',
    columns: Array.from({ length: d }, (_, j) => `column ${j}`),
    pairs,
    allPairs,
    segmentNames: ['1 · a', '2 · b'],
    points: {
      values: Float64Array.from({ length: 2 * d }, (_, i) => i),
      segments: Int32Array.from([0, 1]),
    },
    means: Float64Array.from({ length: 2 * d }, (_, i) => i + 0.5),
    ellipses: [],
  };
}

describe('scatterMatrixSpec', () => {
  it('lays every pair out as the lower triangle, titles on the outer panels only', () => {
    const pairs: [number, number][] = [
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ];
    const spec = scatterMatrixSpec(matrixInput(4, pairs, true), false) as {
      vconcat: {
        hconcat: {
          layer: {
            encoding: {
              x: { field: string; title: unknown };
              y: { field: string; title: unknown };
            };
          }[];
        }[];
      }[];
    };
    expect(spec.vconcat.map((row) => row.hconcat.length)).toEqual([1, 2, 3]);
    const cells = spec.vconcat.map((row) =>
      row.hconcat.map((panel) => {
        const { x, y } = panel.layer[0].encoding;
        return `${x.field}/${y.field}:${x.title === null ? '-' : 'x'}${y.title === null ? '-' : 'y'}`;
      }),
    );
    expect(cells).toEqual([
      ['c0/c1:-y'],
      ['c0/c2:-y', 'c1/c2:--'],
      ['c0/c3:xy', 'c1/c3:x-', 'c2/c3:x-'],
    ]);
  });

  it('renders with vega: one panel per pair, each column named', async () => {
    const pairs: [number, number][] = [
      [0, 1],
      [0, 2],
      [1, 2],
    ];
    const svg = await renderSvg(scatterMatrixSpec(matrixInput(3, pairs, true), false));
    expect((svg.match(/class="mark-symbol role-mark/g) ?? []).length).toBe(2 * 3);
    for (const name of ['column 0', 'column 1', 'column 2'])
      expect(svg).toContain(`>${name}</text>`);
  });
});

describe('category shares for the report', () => {
  it('stacks each segment and all rows to 1, the rarest categories as one piece', () => {
    // 12 categories: the 9 most common overall are shown, the other 3 as one
    const names = Array.from({ length: 12 }, (_, c) => `c${c}`);
    const codes: number[] = [];
    const labels: number[] = [];
    for (let c = 0; c < 12; c++) {
      for (let r = 0; r < 20 - c; r++) {
        codes.push(c);
        labels.push(r % 2);
      }
    }
    const profile = categoryProfile(
      'col',
      Int32Array.from(codes),
      names,
      Int32Array.from(labels),
      2,
    );
    expect(profile.categories).toEqual([...names.slice(0, 9), '(other categories)']);
    for (const segment of [0, 1, 2]) {
      const pieces = profile.cells.filter((c) => c.segment === segment);
      expect(pieces[0].start).toBe(0);
      for (let i = 1; i < pieces.length; i++) expect(pieces[i].start).toBe(pieces[i - 1].end);
      expect(pieces.at(-1)!.end).toBeCloseTo(1, 12);
    }
    // all rows: the "other" piece holds categories 9..11, (11 + 10 + 9) of 174 rows
    const other = profile.cells.find((c) => c.segment === 2 && c.category === 9)!;
    expect(other.share).toBeCloseTo(30 / 174, 12);
  });
});

describe('inputRowNumbers', () => {
  it('counts input rows, skipping the dropped ones, in the order asked', () => {
    const dropped = Uint8Array.from([0, 1, 1, 0, 0, 1, 0]);
    // kept rows are input rows 1, 4, 5, 7
    expect(inputRowNumbers(dropped, 7, [3, 0, 2])).toEqual([7, 1, 5]);
    expect(inputRowNumbers(undefined, 7, [3, 0])).toEqual([4, 1]);
  });
});

describe('commandLine', () => {
  it('quotes arguments so that bash reads back the same ones', () => {
    const argv = [
      'fit',
      "it's here.csv",
      '-k',
      '2..5',
      '--cols',
      'a,b',
      '$HOME',
      'x"y',
      'a\\b',
      '',
    ];
    const line = commandLine(argv);
    expect(line.startsWith('gmm fit ')).toBe(true);
    const echoed = spawnSync('bash', ['-c', `printf '%s\\0' ${line.slice('gmm '.length)}`], {
      encoding: 'utf8',
    });
    expect(echoed.stdout.split('\0').slice(0, -1)).toEqual(argv);
  });
});
