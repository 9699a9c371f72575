/**
 * The report and the scatter matrix from the built binary: what the files hold (the
 * browser test renders them), determinism, and that a fit without a plot or report
 * never reads Vega.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MALL, ROOT, runGmmInProcess } from './run-gmm.js';

const HOSTILE = join(ROOT, 'fixtures', 'hostile', 'report-names.csv');
const version = (pkg: string) =>
  (
    JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/** The page without the bodies of its libraries (whose code mentions <img and the like). */
function withoutScripts(html: string): string {
  return html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
}

/** The bodies of the page's <script> elements without a type (the executable ones). */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
}

describe('gmm fit --out-dir writes report.html', () => {
  // 20 starts: the page is compared with the terminal's summary of the same fit
  const FIT_ARGS = [
    'fit',
    MALL,
    '--cols',
    'income,score',
    '-k',
    '5',
    '--profile',
    'gender,age',
    '--n-init',
    '20',
  ];
  let dir: string;
  let html: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gmm-report-'));
    const result = await runGmmInProcess([...FIT_ARGS, '--out-dir', dir]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('report.html');
    html = readFileSync(join(dir, 'report.html'), 'utf8');
  });

  it('beside the other outputs, byte-identical on a second run', async () => {
    expect(readdirSync(dir).sort()).toEqual([
      'model.json',
      'plot.svg',
      'report.html',
      'segments.csv',
    ]);
    const again = await runGmmInProcess([...FIT_ARGS, '--out-dir', dir]);
    expect(again.status).toBe(0);
    expect(readFileSync(join(dir, 'report.html'), 'utf8') === html).toBe(true);
  });

  it('is self-contained: vega, vega-lite and vega-embed inline, nothing loaded from elsewhere', () => {
    expect(/<script[^>]+src=|<link\b|<iframe|<img\b|url\(/i.test(withoutScripts(html))).toBe(false);
    const scripts = inlineScripts(html);
    expect(scripts).toHaveLength(4);
    expect(scripts[0]).toBe(
      readFileSync(join(ROOT, 'node_modules/vega/build/vega.min.js'), 'utf8'),
    );
    expect(scripts[1]).toBe(
      readFileSync(join(ROOT, 'node_modules/vega-lite/build/vega-lite.min.js'), 'utf8'),
    );
    expect(scripts[2]).toBe(
      readFileSync(join(ROOT, 'node_modules/vega-embed/build/vega-embed.min.js'), 'utf8'),
    );
    expect(scripts[2]).toContain(version('vega-embed'));
  });

  it('its Content-Security-Policy allows exactly its own scripts, no eval and no request', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe-eval');
    const allowed = /script-src ([^;]+)/.exec(policy)![1].split(' ');
    const hashes = inlineScripts(html).map(
      (s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`,
    );
    expect(allowed).toEqual(hashes);
  });

  it('shows the summary, the numbers and the settings as the terminal does', () => {
    expect(html).toContain('<title>mall_customers.csv: 5 segments</title>');
    expect(html).toContain('mid income · mid score');
    expect(html).toContain('55.87');
    expect(html).toContain('Female 60% · Male 40%');
    expect(html).toContain('-452.4443');
    expect(html).toContain('1058.54');
    expect(html).toContain('962.89');
    expect(html).toContain('1067.27');
    const { version: tool } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(html).toContain(`<dt>gmm version</dt><dd>${tool}</dd>`);
    expect(html).toMatch(/gmm fit \S+mall_customers\.csv --cols income,score -k 5/);
  });

  it('carries every row of the Mall data as a point with its probabilities', () => {
    const charts = JSON.parse(
      /<script type="application\/json" id="gmm-charts">([^<]*)</.exec(html)![1],
    ) as {
      id: string;
      spec: { datasets?: { points: Record<string, unknown>[] } };
    }[];
    const scatter = charts.find((c) => c.id === 'chart-scatter')!;
    const points = scatter.spec.datasets!.points;
    expect(points).toHaveLength(200);
    // row 1 of the file: Male, 19, income 15, score 39, labelled 4 by the model
    expect(points[0]).toMatchObject({ r: 1, c0: 15, c1: 39, t0: 'Male', t1: 19 });
    const probabilities = [0, 1, 2, 3, 4].map((k) => points[0][`p${k}`] as number);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.max(...probabilities)).toBe(points[0].q);
  });
});

describe('hostile names in the report', () => {
  it('stay inside their element: no tag, attribute or script of theirs reaches the page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gmm-report-'));
    const file = join(dir, 'hostile.html');
    const result = await runGmmInProcess([
      'fit',
      HOSTILE,
      '--cols',
      '1,2,3',
      '-k',
      '2',
      '--profile',
      '4,5',
      '--report',
      file,
      '--plot',
      join(dir, 'hostile.svg'),
      '-q',
    ]);
    expect(result.stderr).toBe('');
    // the scatter matrix SVG too: headers __proto__ and constructor once broke --plot
    const svg = readFileSync(join(dir, 'hostile.svg'), 'utf8');
    expect((svg.match(/class="mark-symbol role-mark/g) ?? []).length).toBe(6);
    expect(svg).toMatch(/>__proto__ ?<\/text>/);
    expect(svg).toMatch(/>constructor ?<\/text>/);
    expect(svg.includes('<script')).toBe(false);
    const html = withoutScripts(readFileSync(file, 'utf8'));
    // the four scripts of the report and the JSON block, nothing else
    expect(html.match(/<script/g)).toHaveLength(5);
    expect(html.includes('window.pwned=1</script>')).toBe(false);
    expect(html.includes('<img')).toBe(false);
    expect(html.includes('<b>bold')).toBe(false);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;');
    const json = /<script type="application\/json" id="gmm-charts">([^<]*)</.exec(html)![1];
    expect(json).not.toMatch(/[<>&]/);
    expect(JSON.stringify(JSON.parse(json))).toContain('</script><script>window.pwned=3</script>');
  });
});

describe('--plot with more than two modelled columns', () => {
  const columns = ['Age', 'Annual Income (k$)', 'Spending Score (1-100)'];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gmm-matrix-'));
  });

  /** Panels of a vega SVG: each draws its points as one symbol mark and its means as another. */
  const panels = (svg: string) => (svg.match(/class="mark-symbol role-mark/g) ?? []).length / 2;

  it('draws every pair as a scatter matrix; --plot-cols still one pair', async () => {
    const matrix = join(dir, 'matrix.svg');
    const pair = join(dir, 'pair.svg');
    const base = ['fit', MALL, '--cols', 'age,income,score', '-k', '3', '-q', '--n-init', '20'];
    expect((await runGmmInProcess([...base, '--plot', matrix])).status).toBe(0);
    expect(
      (await runGmmInProcess([...base, '--plot', pair, '--plot-cols', 'income,score'])).status,
    ).toBe(0);
    const matrixSvg = readFileSync(matrix, 'utf8');
    expect(panels(matrixSvg)).toBe(3);
    for (const c of columns) expect(matrixSvg).toContain(`>${c}</text>`);
    const pairSvg = readFileSync(pair, 'utf8');
    expect(panels(pairSvg)).toBe(1);
    expect(pairSvg).not.toContain('>Age</text>');
  });

  it('beyond six columns shows the six most separating pairs', async () => {
    // columns 3 and 7 of 8 carry the segments: every shown pair has one of them
    const lines = ['a,b,c,d,e,f,g,h'];
    for (let i = 0; i < 90; i++) {
      const group = i % 2;
      const noise = (j: number) => (Math.sin(i * 12.9898 + j * 78.233) * 43758.5453) % 1;
      const row = Array.from(
        { length: 8 },
        (_, j) => noise(j) + (group && (j === 2 || j === 6) ? 8 : 0),
      );
      lines.push(row.map((v) => v.toFixed(4)).join(','));
    }
    const data = join(dir, 'wide.csv');
    writeFileSync(data, `${lines.join('\n')}\n`);
    const svg = join(dir, 'wide.svg');
    const result = await runGmmInProcess([
      'fit',
      data,
      '-k',
      '2',
      '--covariance',
      'diag',
      '--plot',
      svg,
      '-q',
    ]);
    expect(result.stderr).toBe('');
    const text = readFileSync(svg, 'utf8');
    expect(panels(text)).toBe(6);
    // axis titles: c and g appear in every pair shown; c with g once
    const titles = [...text.matchAll(/role-axis-title[^>]*>.*?<text[^>]*>([a-h])<\/text>/g)].map(
      (m) => m[1],
    );
    expect(titles).toHaveLength(12);
    for (let p = 0; p < 6; p++) {
      expect([titles[2 * p], titles[2 * p + 1]].some((t) => t === 'c' || t === 'g')).toBe(true);
    }
  });
});

describe('lazy start-up', () => {
  /** Runs the binary with fs reads watched: how many files under node_modules/vega* it read. */
  function vegaReads(args: string[]): number {
    const dir = mkdtempSync(join(tmpdir(), 'gmm-lazy-'));
    const hook = join(dir, 'watch-reads.cjs');
    const log = join(dir, 'reads.txt');
    writeFileSync(
      hook,
      `const fs = require('node:fs');
const seen = [];
const watch = (name, target) => { const original = target[name]; target[name] = function (path, ...rest) { seen.push(String(path)); return original.call(this, path, ...rest); }; };
watch('readFileSync', fs); watch('readFile', fs); watch('readFile', fs.promises); watch('open', fs.promises);
process.on('exit', () => fs.writeFileSync(${JSON.stringify(log)}, seen.filter((p) => /node_modules\\/vega/.test(p)).join('\\n')));
`,
    );
    const result = spawnSync(
      process.execPath,
      ['--require', hook, join(ROOT, 'bin', 'gmm.js'), ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    const text = readFileSync(log, 'utf8');
    return text === '' ? 0 : text.split('\n').length;
  }

  it('gmm fit without a plot or report reads no Vega; with either it does', () => {
    const fit = ['fit', MALL, '--cols', 'income,score', '-k', '3', '-q', '--n-init', '20'];
    const dir = mkdtempSync(join(tmpdir(), 'gmm-lazy-'));
    expect(vegaReads([...fit, '--model', join(dir, 'model.json')])).toBe(0);
    // the watch sees Vega when it is read: a plot reads two bundles, a report three
    expect(vegaReads([...fit, '--plot', join(dir, 'plot.svg')])).toBeGreaterThanOrEqual(2);
    expect(vegaReads([...fit, '--report', join(dir, 'report.html')])).toBeGreaterThanOrEqual(3);
  });
});
