import { tableClass } from './table-class.js';
import type { ChalkInstance } from 'chalk';
import { formatCsvRow } from '../io/csv-format.js';
import { stringifyInert } from '../io/json-text.js';
import { visibleText } from '../io/visible-text.js';
import {
  formatCount,
  formatCriterion,
  formatLogLikelihood,
  formatPercent,
  formatValue,
  plural,
} from './text.js';

import type { SummaryFormat } from './summary-formats.js';

export { SUMMARY_FORMATS, type SummaryFormat } from './summary-formats.js';

export type ProfileCell =
  | { readonly kind: 'mean'; readonly value: number }
  | { readonly kind: 'shares'; readonly shares: readonly { category: string; share: number }[] };

export interface SegmentSummary {
  readonly segment: number;
  readonly label: string;
  readonly count: number;
  readonly share: number;
  readonly weight: number;
  /** Component mean of each modelled column, original units. */
  readonly means: readonly number[];
  readonly certainty: number;
  readonly profiles: readonly ProfileCell[];
}

export interface SelectionSummary {
  readonly criterion: string;
  readonly candidates: readonly {
    nComponents: number;
    value: number | undefined;
    failure: string | undefined;
  }[];
  readonly chosen: number;
}

/** Everything the summary shows; computed by the command, only laid out here. */
export interface FitSummary {
  readonly source: string;
  readonly nSamples: number;
  readonly nDropped: number;
  /** --weights: the column and Σ w (the rows the fit counts). */
  readonly weights?: { readonly column: string; readonly total: number };
  /** --missing em: rows with a missing modelled cell, and the missing cells per column. */
  readonly missingCells?: {
    readonly rows: number;
    readonly perColumn: readonly { readonly column: string; readonly cells: number }[];
  };
  readonly columns: readonly string[];
  readonly profileColumns: readonly string[];
  readonly nComponents: number;
  readonly covarianceType: string;
  readonly mclustName: string;
  readonly logLikelihood: number;
  readonly logLikelihoodOriginal: number;
  readonly bic: number;
  readonly aic: number;
  readonly icl: number;
  readonly nParameters: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly nInit: number;
  /** Split-and-merge moves that improved the solution. */
  readonly splitMergeMoves: number;
  readonly selection: SelectionSummary | undefined;
  readonly segments: readonly SegmentSummary[];
}

export function renderSummary(
  summary: FitSummary,
  format: SummaryFormat,
  chalk: ChalkInstance,
): string {
  switch (format) {
    case 'json':
      return `${stringifyInert(summary)}\n`;
    case 'csv':
      return renderCsv(summary);
    case 'markdown':
      return renderMarkdown(summary);
    case 'table':
      return renderTable(summary, chalk);
  }
}

function headerCells(summary: FitSummary): string[] {
  return [
    'segment',
    'label',
    'count',
    'share',
    ...summary.columns.map((c) => `mean ${c}`),
    'certainty',
    ...summary.profileColumns,
  ];
}

function profileText(cell: ProfileCell): string {
  if (cell.kind === 'mean') return formatValue(cell.value);
  const shown = cell.shares.slice(0, 3).map((s) => `${s.category} ${formatPercent(s.share)}`);
  if (cell.shares.length > 3) shown.push('…');
  return shown.join(' · ');
}

function segmentCells(segment: SegmentSummary): string[] {
  return [
    String(segment.segment),
    segment.label,
    formatCount(segment.count),
    formatPercent(segment.share),
    ...segment.means.map(formatValue),
    formatValue(segment.certainty),
    ...segment.profiles.map(profileText),
  ];
}

/** The lines above the table: what was fitted, how well, and why this K. */
/** The kinds of move a fit's kept moves (splitMergeMoves) count, as users read them. */
export const KEPT_MOVE_KINDS = 'split-and-merge, reseed, regrow, or from K − 1 or K + 1';

function preamble(summary: FitSummary): string[] {
  const lines: string[] = [];
  const dropped =
    summary.nDropped > 0
      ? ` (${plural(summary.nDropped, 'row')} with a missing value dropped)`
      : '';
  lines.push(
    `${summary.source}: ${summary.nSamples} rows${dropped} · ${summary.columns.length} columns · ` +
      `K=${summary.nComponents} · ` +
      (summary.covarianceType === summary.mclustName
        ? `mclust ${summary.mclustName} covariance`
        : `${summary.covarianceType} covariance (mclust ${summary.mclustName})`),
  );
  if (summary.weights) {
    lines.push(
      `weighted by ${summary.weights.column}: the ${summary.nSamples} rows count as ${formatValue(summary.weights.total)} (n = Σ w in BIC)`,
    );
  }
  if (summary.missingCells) {
    const { rows, perColumn } = summary.missingCells;
    const cells = perColumn.filter((c) => c.cells > 0).map((c) => `${c.column} ${c.cells}`);
    lines.push(
      `${plural(rows, 'row')} with missing cells fitted on their observed cells (--missing em)` +
        (cells.length > 0 ? `; missing per column: ${cells.join(' · ')}` : ''),
    );
  }
  if (summary.selection) {
    const { criterion, candidates, chosen } = summary.selection;
    const entries = candidates.map((c) =>
      c.value === undefined
        ? `K=${c.nComponents} failed`
        : `K=${c.nComponents} ${formatCriterion(c.value)}${c.nComponents === chosen ? ' ←' : ''}`,
    );
    lines.push(`K chosen by lowest ${criterion.toUpperCase()}: ${entries.join(' · ')}`);
  }
  lines.push(
    `log-likelihood ${formatLogLikelihood(summary.logLikelihood)} (scaled data), ` +
      `${formatLogLikelihood(summary.logLikelihoodOriginal)} (original units) · ` +
      `${summary.nParameters} parameters`,
  );
  lines.push(
    `BIC ${formatCriterion(summary.bic)} · AIC ${formatCriterion(summary.aic)} · ICL ${formatCriterion(summary.icl)} ` +
      `(lower is better, as in scikit-learn; mclust reports BIC = ${formatCriterion(-summary.bic)})`,
  );
  const status = summary.converged ? 'converged' : 'did NOT converge';
  const moves =
    summary.splitMergeMoves === 0
      ? ''
      : `, then ${summary.splitMergeMoves} move${summary.splitMergeMoves === 1 ? '' : 's'} (${KEPT_MOVE_KINDS})`;
  lines.push(
    `EM ${status} in ${summary.iterations} iterations (best of ${summary.nInit} starts${moves})`,
  );
  return lines;
}

/** Table cells longer than this are shortened with "…": a 10 MB header must not make a 10 MB-wide table. */
const MAX_CELL_LENGTH = 80;

function tableCell(text: string): string {
  const visible = visibleText(text);
  if (visible.length <= MAX_CELL_LENGTH) return visible;
  // Not between the two halves of a surrogate pair.
  const end = /[\ud800-\udbff]/.test(visible[MAX_CELL_LENGTH - 2])
    ? MAX_CELL_LENGTH - 2
    : MAX_CELL_LENGTH - 1;
  return `${visible.slice(0, end)}…`;
}

function renderTable(summary: FitSummary, chalk: ChalkInstance): string {
  const Table = tableClass();
  const table = new Table({
    head: headerCells(summary).map((h) => chalk.bold(tableCell(h))),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const segment of summary.segments) table.push(segmentCells(segment).map(tableCell));
  return `${preamble(summary).map(visibleText).join('\n')}\n${table.toString()}\n`;
}

function renderMarkdown(summary: FitSummary): string {
  const escape = (text: string) => visibleText(text).replace(/\|/g, '\\|');
  const head = headerCells(summary);
  const rows = [
    `| ${head.map(escape).join(' | ')} |`,
    `| ${head.map((_, j) => (j === 1 ? '---' : '---:')).join(' | ')} |`,
    ...summary.segments.map((s) => `| ${segmentCells(s).map(escape).join(' | ')} |`),
  ];
  return `${preamble(summary)
    .map((line) => `${escape(line)}  `)
    .join('\n')}\n\n${rows.join('\n')}\n`;
}

/** A report for people and scripts: names with control characters made visible, like the table. */
function renderCsv(summary: FitSummary): string {
  const row = (cells: string[]) => formatCsvRow(cells.map(visibleText), ',');
  const lines = [row(headerCells(summary))];
  for (const segment of summary.segments) lines.push(row(segmentCells(segment)));
  return `${lines.join('\n')}\n`;
}
