import { join } from 'node:path';
import { chalkFor, writeNote, type CommandIo } from '../terminal/terminal.js';
import { inputPath } from '../io/file-system.js';
import { writeLabelledCsv } from '../io/labelled-csv.js';
import { openTableOutput } from '../io/table-output.js';
import { serializeModel } from '../io/model-document.js';
import { findNonFinite } from '../io/non-finite.js';
import { forStream } from '../io/visible-text.js';
import {
  checkOutputPaths,
  ensureDirectory,
  withSignalCleanup,
  writeFilesAtomically,
  type OutputSink,
} from '../io/write-output.js';
import { preloadRenderer, renderSvg } from '../present/render-svg.js';
import { renderReportHtml } from '../present/report/report-html.js';
import { readReportScripts } from '../present/report/report-scripts.js';
import { scatterMatrixSpec } from '../present/report/scatter-matrix-spec.js';
import { scatterSpec } from '../present/scatter-spec.js';
import { renderSummary } from '../present/summary.js';
import { commandLine } from './command-line.js';
import type { FitOutputOptions, ModelOptions } from './options.js';
import { failedFitHint } from './choose-model.js';
import { fitSummary } from './fit-summary.js';
import type { FittedModel } from './fitted-model.js';
import { modelDocumentOf } from './model-document-of.js';
import { reportInputOf } from './report-input-of.js';
import { resolvePlotColumns, scatterInput } from './scatter-input.js';
import { scatterMatrixInput } from './scatter-matrix-input.js';
import { GmmError } from '../errors.js';

/** Where each output of a fit goes: a path, "-" for stdout, or undefined for none. */
export interface FitOutputPaths {
  readonly labels: string | undefined;
  readonly model: string | undefined;
  readonly scatter: string | undefined;
  readonly report: string | undefined;
}

/** A file computed by the command itself (select-k's criterion plot), written with the others. */
export interface ExtraOutput {
  readonly path: string;
  readonly content: string;
}

/** An output file's name inside --out-dir, or undefined without it. */
/** --impute fills missing cells, which only --missing em keeps: refused without it. */
export function checkImpute(options: { impute: boolean; missing: string }): void {
  if (options.impute && options.missing !== 'em') {
    throw new GmmError(
      'usage',
      `--impute needs --missing em (with --missing ${options.missing} no row keeps a missing cell)`,
      'add --missing em to fit the rows with missing cells and impute them',
    );
  }
}

export function inOutDir(outDir: string | undefined, name: string): string | undefined {
  return outDir === undefined ? undefined : join(outDir, name);
}

/**
 * Checks every output before anything is read: at most one goes to stdout, none is the
 * input, each can be written (option name → path). Starts loading Vega when a plot will
 * be drawn, so it is read from disk while the data are read and fitted.
 */
export function checkOutputs(
  file: string,
  outDir: string | undefined,
  named: Record<string, string | undefined>,
  plots: readonly (string | undefined)[],
): void {
  const toStdout = Object.entries(named).filter(([, path]) => path === '-');
  if (toStdout.length > 1) {
    throw new GmmError(
      'usage',
      `only one output can go to standard output, but ${toStdout.map(([name]) => `--${name}`).join(' and ')} ${toStdout.length === 2 ? 'both' : 'all'} say -`,
      'send the others to files',
    );
  }
  const files = Object.entries(named)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, path]): [string, string] => [`--${name}`, path]);
  checkOutputPaths(new Map(files), inputPath(file), outDir);
  if (plots.some((path) => path !== undefined)) preloadRenderer();
}

/**
 * Everything `gmm fit` shows and writes for the fitted model: summary, labelled CSV,
 * model JSON and scatter, plus any extra files. Everything but the labelled CSV is
 * computed before anything is written; the labelled CSV is streamed (the input read
 * again) to a temporary file renamed into place with the others, so a failure leaves
 * no files. `beforeSummary` shows what a command prints ahead of the summary (select-k's
 * table), once every file is written.
 */
export async function writeFitOutputs(
  command: string,
  fitted: FittedModel,
  options: FitOutputOptions & ModelOptions & { readonly covariance: string | readonly string[] },
  paths: FitOutputPaths,
  extras: readonly ExtraOutput[],
  io: CommandIo,
  beforeSummary?: () => void,
): Promise<void> {
  const { fit } = fitted.scored;
  if (!fit.converged) {
    writeNote(
      io,
      command,
      'warning',
      `EM did not converge in ${fitted.settings.maxIter} iterations (relative change of ℓ still ≥ ${fitted.settings.tol}); raise --max-iter or loosen --tol`,
    );
  }
  const model = modelDocumentOf(fitted);
  const bad = findNonFinite(model) ?? findNonFinite({ certainty: fitted.rows.certainty });
  if (bad !== undefined) {
    throw new GmmError(
      'numeric',
      `the fit produced ${bad.value} for ${bad.path}, so it cannot be reported`,
      failedFitHint(fit.parameters.covarianceType),
    );
  }

  const contents: ExtraOutput[] = [];
  if (paths.model !== undefined)
    contents.push({ path: paths.model, content: serializeModel(model) });
  if (paths.scatter !== undefined) {
    const plotColumns = resolvePlotColumns(fitted.prepared, options.plotCols);
    if (plotColumns === undefined) {
      writeNote(io, command, 'warning', 'no scatter written: it needs two modelled columns');
    } else if (options.plotCols === undefined && fitted.prepared.columns.length > 2) {
      // More than two modelled columns: every pair (or the most separating), as a matrix.
      const spec = scatterMatrixSpec(scatterMatrixInput(fitted, false), false);
      contents.push({ path: paths.scatter, content: await renderSvg(spec) });
    } else {
      const spec = scatterSpec(scatterInput(fitted, plotColumns));
      contents.push({ path: paths.scatter, content: await renderSvg(spec) });
    }
  }
  if (paths.report !== undefined) {
    const input = reportInputOf(fitted, options, commandLine(io.argv ?? []));
    contents.push({
      path: paths.report,
      content: renderReportHtml(input, await readReportScripts()),
    });
  }
  contents.push(...extras);

  const toStdout = paths.labels === '-' || contents.some((c) => c.path === '-');
  const summaryStream = toStdout ? io.stderr : io.stdout;
  const files = contents.filter((c) => c.path !== '-');
  const written = [
    ...(paths.labels === undefined || paths.labels === '-' ? [] : [paths.labels]),
    ...files.map((f) => f.path),
  ];
  if (options.outDir !== undefined && written.length > 0) ensureDirectory(options.outDir);
  await withSignalCleanup(async () => {
    const labels =
      paths.labels === undefined
        ? undefined
        : openTableOutput(paths.labels, io.stdout, fitted.prepared.input.delimiter);
    try {
      if (labels !== undefined) await streamLabels(fitted, labels);
      await writeFilesAtomically(files);
      await labels?.commit();
    } catch (error) {
      labels?.abort();
      throw error;
    }
  });
  beforeSummary?.();
  for (const { content } of contents.filter((c) => c.path === '-')) {
    io.stdout.write(forStream(io.stdout, content));
  }
  const summary = fitSummary(fitted);
  summaryStream.write(renderSummary(summary, options.format, chalkFor(summaryStream, io.env)));
  if (written.length > 0 && !options.quiet) {
    writeNote(io, command, 'note', `wrote ${written.join(', ')}`);
  }
}

/** The labelled CSV: the input read again, each kept row followed by its memberships. */
async function streamLabels(fitted: FittedModel, sink: OutputSink): Promise<void> {
  const { prepared, rows } = fitted;
  const K = fitted.scored.fit.parameters.nComponents;
  const resp = rows.resp!;
  const d = prepared.columns.length;
  const { imputed } = fitted;
  await writeLabelledCsv(
    await prepared.input.reopen(),
    {
      nRows: prepared.nRows,
      dropped: prepared.dropped,
      nComponents: K,
      imputedNames:
        imputed === undefined ? undefined : prepared.columns.map((c) => `${c.name}_imputed`),
    },
    sink,
    (first, count) => ({
      resp: resp.subarray(first * K, (first + count) * K),
      labels: rows.labels.subarray(first, first + count),
      certainty: rows.certainty.subarray(first, first + count),
      imputed: imputed?.subarray(first * d, (first + count) * d),
    }),
  );
}
