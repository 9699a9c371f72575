import { BLOCK_ROWS, expectationBlock, expectationStep } from './e-step.js';
import { computePrecisionFactors } from './precision.js';
import { groupRowsByPattern, hasMissingCells, type GroupedRows } from './row-patterns.js';
import type { DataMatrix, MixtureParameters } from './types.js';

export interface Memberships {
  /** n×K membership probabilities. */
  readonly resp: Float64Array;
  /** n: log Σₖ πₖ N(xᵢ | μₖ, Σₖ), in the units of the data given. */
  readonly logDensity: Float64Array;
  /** n: 0-based MAP component (first on ties). */
  readonly labels: Int32Array;
  /** n: the largest membership probability of each row. */
  readonly certainty: Float64Array;
  readonly logLikelihood: number;
}

/** Memberships of each row under a mixture: the final E-step of a fit, and predict. */
export function predictMemberships(data: DataMatrix, parameters: MixtureParameters): Memberships {
  const resp = new Float64Array(data.nSamples * parameters.nComponents);
  return { resp, ...classifyInto(data, parameters, resp) };
}

/** What a fit reports of every row, without the n×K responsibilities (10M rows × K=8 is 640 MB). */
export type RowClasses = Omit<Memberships, 'resp'>;

/** Labels, certainty and log density of each row (no n×K array). */
export function classifyRows(data: DataMatrix, parameters: MixtureParameters): RowClasses {
  return classifyInto(data, parameters, null);
}

function classifyInto(
  data: DataMatrix,
  parameters: MixtureParameters,
  resp: Float64Array | null,
  imputed?: Float64Array,
  given?: GroupedRows,
): RowClasses {
  const { nSamples } = data;
  const logDensity = new Float64Array(nSamples);
  const labels = new Int32Array(nSamples);
  const certainty = new Float64Array(nSamples);
  const factors = computePrecisionFactors(parameters);
  if (given?.order !== undefined || (data.missing === undefined && hasMissingCells(data.values))) {
    // Rows with missing cells (NaN): each marginalised over its observed cells, on
    // the rows grouped by pattern (`given`, or grouped here), the results put back in
    // input order.
    const { data: grouped, order } =
      given ?? groupRowsByPattern(data.values, nSamples, data.nFeatures, data.rowWeights);
    const K = parameters.nComponents;
    const d = data.nFeatures;
    const g = {
      logDensity: new Float64Array(nSamples),
      labels: new Int32Array(nSamples),
      certainty: new Float64Array(nSamples),
      imputed: imputed === undefined ? undefined : grouped.values,
    };
    const groupedResp = resp === null ? null : new Float64Array(nSamples * K);
    const logLikelihood = expectationStep(grouped, factors, groupedResp, undefined, g);
    for (let s = 0; s < nSamples; s++) {
      const i = order![s];
      logDensity[i] = g.logDensity[s];
      labels[i] = g.labels[s];
      certainty[i] = g.certainty[s];
      if (resp !== null) resp.set(groupedResp!.subarray(s * K, s * K + K), i * K);
      if (imputed !== undefined) imputed.set(grouped.values.subarray(s * d, s * d + d), i * d);
    }
    return { logDensity, labels, certainty, logLikelihood };
  }
  const logLikelihood = expectationStep(data, factors, resp, undefined, {
    logDensity,
    labels,
    certainty,
    imputed,
  });
  if (imputed !== undefined && data.missing === undefined) imputed.set(data.values);
  return { logDensity, labels, certainty, logLikelihood };
}

/** What a fit's final E-step gives of every row (see finalRows). */
export interface FinalRows extends RowClasses {
  /** n×K memberships, when asked for. */
  readonly resp: Float64Array | undefined;
  /**
   * n×d, when asked for: each row with its missing cells (NaN) filled by their
   * conditional mean under the row's posterior (the data's units); other cells as given.
   */
  readonly imputed: Float64Array | undefined;
}

/**
 * The one E-step of a fit on its chosen parameters: classes of every row, and the
 * memberships and imputed cells when wanted. `grouped`: the rows already grouped by
 * missingness pattern (row-patterns.ts), so they are not grouped again.
 */
export function finalRows(
  data: DataMatrix,
  parameters: MixtureParameters,
  want: { readonly memberships: boolean; readonly impute: boolean },
  grouped?: GroupedRows,
): FinalRows {
  const resp = want.memberships
    ? new Float64Array(data.nSamples * parameters.nComponents)
    : undefined;
  const imputed = want.impute ? new Float64Array(data.nSamples * data.nFeatures) : undefined;
  return { ...classifyInto(data, parameters, resp ?? null, imputed, grouped), resp, imputed };
}

/** What criteria need of every row, summed: ℓ and Σᵢ log certaintyᵢ (for ICL). */
export interface RowScore {
  readonly logLikelihood: number;
  readonly sumLogCertainty: number;
}

/**
 * classifyRows reduced to its sums, a block of rows at a time, so a sweep over many
 * K does not make three n-sized arrays per candidate. The same blocks and order of
 * summation as classifyRows, so ℓ is the same to the last bit.
 */
export function scoreRows(data: DataMatrix, parameters: MixtureParameters): RowScore {
  const { values, nSamples, nFeatures: d, rowWeights } = data;
  if (data.missing !== undefined) {
    // Rows with missing cells: one E-step over all rows (row-patterns.ts).
    const rows = classifyRows(data, parameters);
    let sum = 0;
    for (let i = 0; i < nSamples; i++) {
      sum += (rowWeights === undefined ? 1 : rowWeights[i]) * Math.log(rows.certainty[i]);
    }
    return { logLikelihood: rows.logLikelihood, sumLogCertainty: sum };
  }
  const factors = computePrecisionFactors(parameters);
  const certainty = new Float64Array(Math.min(BLOCK_ROWS, nSamples));
  const scratch = new Float64Array(parameters.nComponents);
  let logLikelihood = 0;
  let sumLogCertainty = 0;
  for (let start = 0; start < nSamples; start += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, nSamples - start);
    const block = {
      values: values.subarray(start * d, (start + count) * d),
      nSamples: count,
      nFeatures: d,
      rowWeights: rowWeights?.subarray(start, start + count),
    };
    logLikelihood += expectationBlock(
      block,
      factors,
      0,
      null,
      undefined,
      { certainty },
      scratch,
      start,
    );
    for (let i = 0; i < count; i++) {
      sumLogCertainty +=
        (rowWeights === undefined ? 1 : rowWeights[start + i]) * Math.log(certainty[i]);
    }
  }
  return { logLikelihood, sumLogCertainty };
}
