/**
 * The HTML report as one string: the page's text (tables, numbers, settings) written
 * here, the charts as vega-lite specs in one JSON block that a small script hands to
 * vega-embed. Vega, Vega-Lite and vega-embed are inlined (report-scripts.ts reads them),
 * so the file opens offline; its Content-Security-Policy allows only those scripts (by
 * hash), no eval (vega runs its expressions with vega-embed's interpreter) and no
 * request of any kind, so even a name that slipped through escaping could run nothing.
 */

import { createHash } from 'node:crypto';
import { visibleText } from '../../io/visible-text.js';
import { criterionPlotSpec } from '../criterion-plot-spec.js';
import { KEPT_MOVE_KINDS, type ProfileCell } from '../summary.js';
import {
  formatCount,
  formatCriterion,
  formatLogLikelihood,
  formatPercent,
  formatValue,
  plural,
} from '../text.js';
import { certaintySpec } from './certainty-spec.js';
import { escapeHtml, scriptJson } from './html-text.js';
import { segmentColors } from './palette.js';
import { categoryProfileSpec, meanProfileSpec } from './profile-spec.js';
import type { ReportInput } from './report-input.js';
import { scatterMatrixSpec } from './scatter-matrix-spec.js';

/** The library sources inlined in the page, in load order. */
export interface ReportScripts {
  readonly vega: string;
  readonly vegaLite: string;
  readonly vegaEmbed: string;
}

/** More marks than this in the scatter matrix are drawn on a canvas (SVG gets slow). */
const SVG_MARK_LIMIT = 20_000;

interface Chart {
  readonly id: string;
  readonly renderer: 'svg' | 'canvas';
  readonly spec: Record<string, unknown>;
}

/**
 * Renders every chart once the libraries have run; records each view (and any error)
 * on window.gmmReport, which the browser tests read. A failed chart says so in its place.
 */
const BOOT = `(function () {
  var report = { views: [], errors: [], done: false };
  window.gmmReport = report;
  var charts = JSON.parse(document.getElementById('gmm-charts').textContent);
  var jobs = charts.map(function (chart, i) {
    var element = document.getElementById(chart.id);
    return vegaEmbed(element, chart.spec, { actions: false, ast: true, renderer: chart.renderer })
      .then(function (result) { report.views[i] = result.view; })
      .catch(function (error) {
        report.errors.push(chart.id + ': ' + error);
        element.textContent = 'This chart could not be drawn: ' + error;
      });
  });
  Promise.all(jobs).then(function () {
    report.done = true;
    document.documentElement.setAttribute('data-charts', String(charts.length));
  });
})();`;

const STYLE = `
:root { --ink: #1d2430; --muted: #5b6577; --line: #e3e7ee; --panel: #ffffff; --bg: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: #1d2a3f; color: #fff; padding: 18px 28px 14px; }
header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; overflow-wrap: anywhere; }
header p { margin: 0; color: #c9d3e3; overflow-wrap: anywhere; }
nav { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid var(--line);
  padding: 8px 28px; display: flex; gap: 18px; flex-wrap: wrap; font-size: 14px; }
nav a { color: #2f5ea8; text-decoration: none; }
nav a:hover { text-decoration: underline; }
main { max-width: 1280px; margin: 0 auto; padding: 18px 24px 40px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 16px 20px 18px; margin: 0 0 18px; overflow-x: auto; }
h2 { font-size: 18px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p.note { color: var(--muted); margin: 2px 0 12px; font-size: 14px; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 14px; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 110px; }
.figure b { display: block; font-size: 17px; font-variant-numeric: tabular-nums; }
.figure span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: right;
  vertical-align: top; max-width: 320px; overflow-wrap: break-word; white-space: nowrap; }
td.text, th { white-space: normal; }
td.label { min-width: 190px; }
th { background: #f7f9fc; font-weight: 600; }
th.text, td.text { text-align: left; }
td.chosen { font-weight: 700; background: #e6f2e1; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 6px; vertical-align: -1px; }
.chart { margin: 6px 0 4px; min-height: 40px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: #f1f3f7; padding: 2px 5px; border-radius: 4px; overflow-wrap: anywhere; }
#vg-tooltip-element { font-size: 13px; }
#vg-tooltip-element table tr td.key { max-width: 280px; }
`;

/** Text from the data or the fit, escaped for HTML with control characters made visible. */
function text(value: string): string {
  return escapeHtml(visibleText(value));
}

function cell(content: string, className = ''): string {
  return className === '' ? `<td>${content}</td>` : `<td class="${className}">${content}</td>`;
}

function headCell(content: string, className = ''): string {
  return className === '' ? `<th>${content}</th>` : `<th class="${className}">${content}</th>`;
}

function profileText(profile: ProfileCell): string {
  if (profile.kind === 'mean') return formatValue(profile.value);
  const shown = profile.shares.slice(0, 3).map((s) => `${s.category} ${formatPercent(s.share)}`);
  if (profile.shares.length > 3) shown.push('…');
  return shown.join(' · ');
}

function summarySection(input: ReportInput): string {
  const { summary } = input;
  const colors = segmentColors(summary.segments.length);
  const head = [
    headCell('segment', 'text'),
    headCell('label', 'text'),
    headCell('rows'),
    headCell('share'),
    headCell('weight'),
    ...summary.columns.map((c) => headCell(`mean ${text(c)}`)),
    headCell('certainty'),
    ...summary.profileColumns.map((c) => headCell(text(c), 'text')),
  ].join('');
  const body = summary.segments
    .map((s, k) =>
      [
        cell(`<span class="swatch" style="background:${colors[k]}"></span>${s.segment}`, 'text'),
        cell(text(s.label), 'text label'),
        cell(formatCount(s.count)),
        cell(formatPercent(s.share)),
        cell(formatValue(s.weight)),
        ...s.means.map((m) => cell(formatValue(m))),
        cell(formatValue(s.certainty)),
        ...s.profiles.map((p) => cell(text(profileText(p)), p.kind === 'mean' ? '' : 'text')),
      ].join(''),
    )
    .map((row) => `<tr>${row}</tr>`)
    .join('\n');
  const figures: [string, string][] = [
    [String(summary.nComponents), 'segments'],
    [
      String(summary.nSamples),
      summary.nDropped > 0 ? `rows (${summary.nDropped} dropped)` : 'rows',
    ],
    [formatCriterion(summary.bic), 'BIC (lower is better)'],
    [formatLogLikelihood(summary.logLikelihood), 'log-likelihood ℓ'],
    [`${summary.covarianceType} (${summary.mclustName})`, 'covariance'],
  ];
  return `<section id="summary">
<h2>Segments</h2>
<p class="note">Segments are numbered by weight, largest first, and labelled from how far each mean sits from the column's mean (±0.5 sd: high/low, ±1.5 sd: very). Means are in the input's units; certainty is the mean, over the segment's rows, of each row's largest membership probability.</p>
<div class="figures">${figures.map(([v, l]) => `<div class="figure"><b>${text(v)}</b><span>${text(l)}</span></div>`).join('')}</div>
${tableHtml(head, body)}
</section>`;
}

function chartSection(id: string, heading: string, note: string, chartIds: string[]): string {
  return `<section id="${id}">
<h2>${heading}</h2>
<p class="note">${note}</p>
${chartIds.map((c) => `<div class="chart" id="${c}"></div>`).join('\n')}
</section>`;
}

function scatterSection(input: ReportInput): string {
  const { scatter } = input;
  const d = scatter.columns.length;
  if (scatter.pairs.length === 0) {
    return chartSection(
      'scatter',
      'Scatter matrix',
      'A scatter needs two modelled columns; this model has one.',
      [],
    );
  }
  const which = scatter.allPairs
    ? d === 2
      ? 'The two modelled columns'
      : `Every pair of the ${d} modelled columns`
    : `The ${scatter.pairs.length} pairs of the ${d} modelled columns along which the segments stand apart most (Fisher's between/within ratio)`;
  return chartSection(
    'scatter',
    'Scatter matrix',
    `${which}, in the input's units: each row coloured by its segment, each segment's mean marked +, its 1σ and 2σ ellipses drawn from the 2×2 covariance of the pair. ${text(scatter.thinning)} Hover a point for its row; click a legend entry to highlight a segment (shift-click for more, double-click a chart to show all).`,
    ['chart-scatter'],
  );
}

function profileSection(input: ReportInput): string {
  const ids = [
    ...(input.profiles.numeric.length > 0 ? ['chart-means'] : []),
    ...input.profiles.categorical.map((_, i) => `chart-shares-${i}`),
  ];
  return chartSection(
    'profiles',
    'Segment profiles',
    "Each segment's mean of each column, drawn as a bar from the mean of all rows (the black line): bars to the right are above average. Categorical --profile columns show each segment's category shares, and those of all rows for comparison.",
    ids,
  );
}

function certaintySection(input: ReportInput): string {
  const { certainty, summary } = input;
  const K = summary.nComponents;
  const showAll = K <= 8;
  const head = [
    headCell('row'),
    headCell('segment', 'text'),
    headCell('certainty'),
    ...(showAll
      ? Array.from({ length: K }, (_, k) => headCell(`P(${k + 1})`))
      : [headCell('most likely segments', 'text')]),
    ...summary.columns.map((c) => headCell(text(c))),
  ].join('');
  const body = certainty.leastCertain
    .map((row) => {
      const probabilities = showAll
        ? row.probabilities.map((p) => cell(p.toFixed(4)))
        : [
            cell(
              row.probabilities
                .map((p, k) => ({ p, k }))
                .sort((a, b) => b.p - a.p || a.k - b.k)
                .slice(0, 3)
                .map(({ p, k }) => `${k + 1}: ${p.toFixed(3)}`)
                .join(' · '),
              'text',
            ),
          ];
      return `<tr>${[
        cell(String(row.rowNumber)),
        cell(text(input.segmentNames[row.segment]), 'text'),
        cell(row.certainty.toFixed(4)),
        ...probabilities,
        ...row.values.map((v) => cell(formatValue(v))),
      ].join('')}</tr>`;
    })
    .join('\n');
  return `<section id="certainty">
<h2>Certainty</h2>
<p class="note">How sure the model is of each row: its largest membership probability. Rows near 1/K lie between segments.</p>
<div class="chart" id="chart-certainty"></div>
<h3>The ${plural(certainty.leastCertain.length, 'least certain row')}</h3>
<p class="note">Row numbers count the input's data rows from 1.</p>
${tableHtml(head, body)}
</section>`;
}

function sweepSection(input: ReportInput): string {
  const sweep = input.sweep;
  if (sweep === undefined) return '';
  const name = sweep.criterion.toUpperCase();
  const head = [headCell('K'), ...sweep.structures.map((s) => headCell(text(s)))].join('');
  const body = sweep.componentCounts
    .map((k) => {
      const cells = sweep.structures.map((structure) => {
        const found = sweep.cells.find((c) => c.nComponents === k && c.structure === structure);
        if (found === undefined) return cell('');
        if (found.value === null) return cell('failed');
        const mark = found.chosen ? ' ★' : found.stoppedEarly ? ' †' : '';
        return cell(`${formatCriterion(found.value)}${mark}`, found.chosen ? 'chosen' : '');
      });
      return `<tr>${cell(String(k))}${cells.join('')}</tr>`;
    })
    .join('\n');
  const stopped = sweep.cells.some((c) => c.stoppedEarly)
    ? ` † not polished: its refinement stopped once it could not beat ★ (the ${name} shown is from its last step, an upper bound).`
    : '';
  return `<section id="sweep">
<h2>Choosing K</h2>
<p class="note">${name} of the best fit found for each K and covariance structure; lower is better (mclust's BIC has the opposite sign). ★ marks the choice.${stopped}</p>
<div class="chart" id="chart-sweep"></div>
${tableHtml(head, body)}
</section>`;
}

function numbersSection(input: ReportInput): string {
  const { summary, settings } = input;
  const numbers: [string, string][] = [
    ['log-likelihood ℓ (scaled data)', formatLogLikelihood(summary.logLikelihood)],
    ['log-likelihood (original units)', formatLogLikelihood(summary.logLikelihoodOriginal)],
    ['BIC = −2ℓ + p ln n', formatCriterion(summary.bic)],
    ['AIC = −2ℓ + 2p', formatCriterion(summary.aic)],
    ['ICL = BIC − 2 Σ log z(MAP)', formatCriterion(summary.icl)],
    ['mclust BIC (higher is better)', formatCriterion(-summary.bic)],
    ['free parameters p', String(summary.nParameters)],
    [
      'EM',
      `${summary.converged ? 'converged' : 'did NOT converge'} in ${summary.iterations} iterations`,
    ],
    ['starts explored', String(summary.nInit)],
    [`moves kept (${KEPT_MOVE_KINDS})`, String(summary.splitMergeMoves)],
    ...settings.entries.map((e): [string, string] => [e.name, e.value]),
    ['gmm version', settings.version],
  ];
  return `<section id="numbers">
<h2>Numbers and settings</h2>
<p class="note">Made by <code>${text(settings.commandLine)}</code>. The same input, options and seed give this same file, byte for byte.</p>
<dl>
${numbers.map(([n, v]) => `<dt>${text(n)}</dt><dd>${text(v)}</dd>`).join('\n')}
</dl>
</section>`;
}

function charts(input: ReportInput): Chart[] {
  const { scatter } = input;
  const marks = (scatter.points.segments.length + scatter.means.length) * scatter.pairs.length;
  const out: Chart[] =
    scatter.pairs.length === 0
      ? []
      : [
          {
            id: 'chart-scatter',
            renderer: marks <= SVG_MARK_LIMIT ? 'svg' : 'canvas',
            spec: scatterMatrixSpec(scatter, true),
          },
        ];
  if (input.profiles.numeric.length > 0) {
    out.push({
      id: 'chart-means',
      renderer: 'svg',
      spec: meanProfileSpec(input.profiles.numeric, input.segmentNames),
    });
  }
  input.profiles.categorical.forEach((profile, i) =>
    out.push({
      id: `chart-shares-${i}`,
      renderer: 'svg',
      spec: categoryProfileSpec(profile, input.segmentNames),
    }),
  );
  out.push({ id: 'chart-certainty', renderer: 'svg', spec: certaintySpec(input.certainty) });
  if (input.sweep !== undefined) {
    out.push({ id: 'chart-sweep', renderer: 'svg', spec: criterionPlotSpec(input.sweep.plot) });
  }
  return out;
}

/** A library's source as the body of an inline <script>: nothing in it may end the element. */
function inlineScript(source: string, name: string): string {
  if (/<\/script|<!--/i.test(source)) {
    throw new Error(`${name} cannot be inlined: it holds "</script" or "<!--"`);
  }
  return source;
}

function sha256(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

export function renderReportHtml(input: ReportInput, scripts: ReportScripts): string {
  const libraries = [
    inlineScript(scripts.vega, 'vega'),
    inlineScript(scripts.vegaLite, 'vega-lite'),
    inlineScript(scripts.vegaEmbed, 'vega-embed'),
    BOOT,
  ];
  const policy = [
    "default-src 'none'",
    `script-src ${libraries.map(sha256).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const { summary } = input;
  const subtitle =
    `${summary.nSamples} rows · ${plural(summary.columns.length, 'modelled column')} · ` +
    `${summary.covarianceType} covariance (mclust ${summary.mclustName}) · BIC ${formatCriterion(summary.bic)}`;
  const nav = [
    ['summary', 'Segments'],
    ['scatter', 'Scatter matrix'],
    ['profiles', 'Profiles'],
    ['certainty', 'Certainty'],
    ...(input.sweep === undefined ? [] : [['sweep', 'Choosing K']]),
    ['numbers', 'Numbers and settings'],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${text(input.title)}</h1>
<p>${text(subtitle)}</p>
</header>
<nav>${nav.map(([id, name]) => `<a href="#${id}">${name}</a>`).join('')}</nav>
<main>
${[
  summarySection(input),
  scatterSection(input),
  profileSection(input),
  certaintySection(input),
  sweepSection(input),
  numbersSection(input),
]
  .filter((s) => s !== '')
  .join('\n')}
</main>
<script type="application/json" id="gmm-charts">${scriptJson(charts(input))}</script>
${libraries.map((source) => `<script>${source}</script>`).join('\n')}
</body>
</html>
`;
}

/** A table from its header cells' and its rows' markup (already escaped). */
function tableHtml(head: string, body: string): string {
  return `<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}
