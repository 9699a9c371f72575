import { basename } from 'node:path';
import { ellipseOutline } from '../engine/ellipse.js';
import { resolveColumns } from '../io/select-columns.js';
import type { EllipseVertex, ScatterInput, ScatterPoint } from '../present/scatter-spec.js';
import { formatCriterion, formatLogLikelihood } from '../present/text.js';
import type { FittedModel } from './fitted-model.js';
import type { PreparedData } from './prepare-data.js';
import { GmmError } from '../errors.js';

/** --plot-cols, or the first two modelled columns; undefined when only one is modelled. */
export function resolvePlotColumns(
  prepared: PreparedData,
  plotCols: string | undefined,
): [number, number] | undefined {
  const { header, columns } = prepared;
  if (plotCols === undefined) return columns.length >= 2 ? [0, 1] : undefined;
  const chosen = resolveColumns([plotCols], header);
  if (chosen.length !== 2) {
    throw new GmmError(
      'usage',
      `--plot-cols takes two columns, got ${chosen.length}`,
      'e.g. --plot-cols income,score',
    );
  }
  const positions = chosen.map((c) => columns.findIndex((m) => m.index === c.index));
  const notModelled = chosen.find((_, i) => positions[i] === -1);
  if (notModelled !== undefined) {
    throw new GmmError(
      'usage',
      `--plot-cols: column ${JSON.stringify(notModelled.name)} is not modelled, so it has no ellipses`,
      'plot two of the --cols columns',
    );
  }
  return [positions[0], positions[1]];
}

/**
 * The scatter of modelled columns (px, py) in original units: the thinned rows coloured
 * by segment, each component's 1σ and 2σ ellipse of its 2×2 marginal covariance, and
 * its mean.
 */
export function scatterInput(fitted: FittedModel, [px, py]: [number, number]): ScatterInput {
  const { prepared, scored, rows, meansOriginal, covariancesOriginal } = fitted;
  const { source, data, plotSample, columns } = prepared;
  const { nComponents: K, covarianceType } = scored.fit.parameters;
  const d = data.nFeatures;
  const { stride, values } = plotSample;
  const names = fitted.labels.map((label, k) => `${k + 1} · ${label}`);
  const points: ScatterPoint[] = [];
  for (let s = 0; s * d < values.length; s++) {
    points.push({
      x: values[s * d + px],
      y: values[s * d + py],
      segment: names[rows.labels[s * stride]],
    });
  }
  const ellipses: EllipseVertex[] = [];
  const means = [];
  for (let k = 0; k < K; k++) {
    const at = (a: number, b: number) => covariancesOriginal[k * d * d + a * d + b];
    const mean: [number, number] = [meansOriginal[k * d + px], meansOriginal[k * d + py]];
    const sub = [at(px, px), at(px, py), at(py, px), at(py, py)];
    for (const nSigma of [1, 2]) {
      const outline = ellipseOutline(mean, sub, nSigma);
      for (let s = 0; s < outline.length / 2; s++) {
        ellipses.push({
          x: outline[2 * s],
          y: outline[2 * s + 1],
          segment: names[k],
          ring: `${k + 1}-${nSigma}`,
          sigma: `${nSigma}σ`,
          order: s,
        });
      }
    }
    means.push({ x: mean[0], y: mean[1], segment: names[k] });
  }
  const thinned = stride > 1 ? ` · every ${stride}th of ${data.nSamples} rows shown` : '';
  return {
    title: `${basename(source)}: ${K} segments`,
    subtitle:
      `${covarianceType} covariance · log-likelihood ${formatLogLikelihood(scored.criteria.logLikelihood)} · ` +
      `BIC ${formatCriterion(scored.criteria.bic)} · ellipses at 1σ and 2σ · + marks each mean${thinned}`,
    xTitle: columns[px].name,
    yTitle: columns[py].name,
    segmentNames: names,
    points,
    ellipses,
    means,
  };
}
