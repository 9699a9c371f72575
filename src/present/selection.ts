import { tableClass } from './table-class.js';
import type { ChalkInstance } from 'chalk';
import { formatCsvRow } from '../io/csv-format.js';
import { stringifyInert } from '../io/json-text.js';
import { visibleText } from '../io/visible-text.js';
import { formatCriterion, formatLogLikelihood } from './text.js';

/** One K × structure cell of a sweep, as select-k reports it. */
export interface SelectionCell {
  readonly nComponents: number;
  readonly covarianceType: string;
  readonly mclustName: string;
  readonly logLikelihood: number | null;
  readonly nParameters: number | null;
  readonly bic: number | null;
  readonly aic: number | null;
  readonly icl: number | null;
  readonly iterations: number | null;
  readonly converged: boolean | null;
  /** Random starts the search of this cell explored. */
  readonly starts: number | null;
  /** Its refinement on all rows stopped early: it could not win (its criterion is at most this). */
  readonly stoppedEarly: boolean;
  readonly failure: string | null;
}

/** Everything select-k shows; computed by the command, only laid out here. */
export interface SelectionReport {
  readonly source: string;
  readonly nSamples: number;
  readonly columns: readonly string[];
  readonly criterion: 'bic' | 'aic' | 'icl';
  readonly componentCounts: readonly number[];
  readonly covarianceTypes: readonly string[];
  /** mclust's name of each of covarianceTypes (the same name for mclust's own ten). */
  readonly mclustNames: readonly string[];
  readonly cells: readonly SelectionCell[];
  /** Index into cells of the best one. */
  readonly best: number;
}

const CRITERION_DEFINITIONS = {
  bic: 'BIC = −2ℓ + p ln n',
  aic: 'AIC = −2ℓ + 2p',
  icl: 'ICL = BIC − 2 Σ log z(MAP)',
} as const;

const RUNNER_UPS = 3;

/** "full (VVV)" where scikit-learn and mclust name a model differently, else the one name. */
export function modelLabel(covarianceType: string, mclustName: string): string {
  return covarianceType === mclustName ? covarianceType : `${covarianceType} (${mclustName})`;
}

export function renderSelection(
  report: SelectionReport,
  format: 'table' | 'json' | 'csv' | 'markdown',
  chalk: ChalkInstance,
): string {
  switch (format) {
    case 'json':
      return `${stringifyInert(report)}\n`;
    case 'csv':
      return renderCsv(report);
    case 'markdown':
    case 'table':
      return renderGrid(report, format, chalk);
  }
}

function value(cell: SelectionCell, report: SelectionReport): number | null {
  return cell[report.criterion];
}

/** Cells by their criterion, best first, failed cells left out. */
function ranked(report: SelectionReport): SelectionCell[] {
  return report.cells
    .filter((c) => value(c, report) !== null)
    .sort((a, b) => value(a, report)! - value(b, report)!);
}

function preamble(report: SelectionReport): string[] {
  const name = report.criterion.toUpperCase();
  const best = report.cells[report.best];
  const bestValue = value(best, report)!;
  const runnerUps = ranked(report)
    .filter((c) => c !== best)
    .slice(0, RUNNER_UPS)
    .map(
      (c) =>
        `${c.covarianceType} K=${c.nComponents} +${formatCriterion(value(c, report)! - bestValue)}`,
    );
  const lines = [
    `${report.source}: ${report.nSamples} rows · ${report.columns.length} columns · ` +
      `K=${report.componentCounts.join(',')} × ${report.covarianceTypes.join(', ')} · ${describeStarts(report.cells)}`,
    `${CRITERION_DEFINITIONS[report.criterion]}: lower is better (scikit-learn's sign). mclust prints BIC as 2ℓ − p ln n, ` +
      `so its highest is our lowest.`,
    `best: ${modelLabel(best.covarianceType, best.mclustName)} K=${best.nComponents}, ${name} ${formatCriterion(bestValue)}, ` +
      `log-likelihood ${formatLogLikelihood(best.logLikelihood!)}` +
      (runnerUps.length > 0 ? `; next: ${runnerUps.join(', ')}` : ''),
  ];
  return lines;
}

/** "best of 400 starts each", or "best of 20–400 starts each (by data size)". */
function describeStarts(cells: readonly SelectionCell[]): string {
  const counts = cells.map((c) => c.starts).filter((n): n is number => n !== null);
  if (counts.length === 0) return 'no starts';
  const low = Math.min(...counts);
  const high = Math.max(...counts);
  return low === high
    ? `best of ${low} starts each`
    : `best of ${low}–${high} starts each (by model and data size)`;
}

function renderGrid(
  report: SelectionReport,
  format: 'table' | 'markdown',
  chalk: ChalkInstance,
): string {
  const bestCell = report.cells[report.best];
  const bestValue = value(bestCell, report)!;
  const head = [
    'K',
    ...report.covarianceTypes.map((type, index) => modelLabel(type, report.mclustNames[index])),
  ];
  const rows = report.componentCounts.map((k) => [
    String(k),
    ...report.covarianceTypes.map((type) => {
      const cell = report.cells.find((c) => c.nComponents === k && c.covarianceType === type);
      if (cell === undefined) return '';
      const v = value(cell, report);
      if (v === null) return 'failed';
      if (cell === bestCell) return `${formatCriterion(v)} ★`;
      const mark = cell.stoppedEarly ? ' †' : '';
      return `${formatCriterion(v)} (+${formatCriterion(v - bestValue)})${mark}`;
    }),
  ]);
  const failures = report.cells
    .filter((c) => c.failure !== null)
    .map((c) => `${c.covarianceType} K=${c.nComponents} failed: ${c.failure}`);
  const notes = [
    ...failures,
    `${report.criterion.toUpperCase()} per cell; (+x) is the difference to the best ★.`,
    ...(report.cells.some((c) => c.stoppedEarly)
      ? [
          `† not polished: its refinement on all rows stopped once it could not beat ★ (the ${report.criterion.toUpperCase()} shown is from its last step).`,
        ]
      : []),
  ];
  if (format === 'markdown') {
    const escape = (text: string) => visibleText(text).replace(/\|/g, '\\|');
    const lines = [
      `| ${head.map(escape).join(' | ')} |`,
      `| ${head.map(() => '---:').join(' | ')} |`,
      ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
    ];
    return `${preamble(report)
      .map((l) => `${escape(l)}  `)
      .join('\n')}\n\n${lines.join('\n')}\n\n${notes.map(escape).join('  \n')}\n`;
  }
  const Table = tableClass();
  const table = new Table({
    head: head.map((h) => chalk.bold(h)),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['right', ...report.covarianceTypes.map(() => 'right' as const)],
  });
  for (const row of rows) {
    table.push(row.map((text) => (text.endsWith('★') ? chalk.green.bold(text) : text)));
  }
  return `${preamble(report).map(visibleText).join('\n')}\n${table.toString()}\n${notes.map(visibleText).join('\n')}\n`;
}

function renderCsv(report: SelectionReport): string {
  const columns = [
    'nComponents',
    'covarianceType',
    'mclustName',
    'logLikelihood',
    'nParameters',
    'bic',
    'aic',
    'icl',
    'iterations',
    'converged',
    'starts',
    'stoppedEarly',
    'best',
    'failure',
  ] as const;
  const lines = [formatCsvRow([...columns], ',')];
  report.cells.forEach((cell, index) => {
    const fields = columns.map((column) => {
      if (column === 'best') return index === report.best ? 'true' : 'false';
      const v = cell[column];
      return v === null ? '' : String(v);
    });
    lines.push(formatCsvRow(fields, ','));
  });
  return `${lines.join('\n')}\n`;
}
