import type { DataMatrix, MissingPatterns } from './types.js';
import { GmmError } from '../errors.js';

/**
 * Rows with missing cells, grouped by which columns they observe (their pattern), so
 * that the E-step factorises each pattern's sub-matrices once per iteration
 * (missing-e-step.ts) instead of once per row, and complete rows, kept together at
 * the front, go through the fast kernels (kernels.ts) as they are.
 */
export interface GroupedRows {
  /** The rows regrouped: complete rows first (in input order), then pattern by pattern. */
  readonly data: DataMatrix;
  /** n: the input row at each position of `data` (undefined: no row moved). */
  readonly order: Int32Array | undefined;
}

/** Whether an n×d matrix holds a missing cell (NaN). */
export function hasMissingCells(values: Float64Array): boolean {
  for (let e = 0; e < values.length; e++) if (values[e] !== values[e]) return true;
  return false;
}

/**
 * Groups the rows of `values` (n×d, NaN in each missing cell) by missingness pattern.
 * Complete rows come first in input order; then each pattern's rows, in input order,
 * patterns ordered by their first row. A missing cell of the regrouped matrix holds
 * the (weighted) mean of its column's observed cells: a placeholder the starts
 * (initialize.ts, hierarchical.ts) can read; the E-step never does.
 * Every row must observe at least one column (the caller says which line does not).
 */
export function groupRowsByPattern(
  values: Float64Array,
  nSamples: number,
  nFeatures: number,
  rowWeights?: Float64Array,
): GroupedRows {
  const d = nFeatures;
  if (!hasMissingCells(values)) {
    return { data: { values, nSamples, nFeatures, rowWeights }, order: undefined };
  }
  // Each row's pattern as a number (observed columns; d ≤ 30 as bits, else an index
  // into the distinct observed-column strings), patterns numbered by first row.
  const patternOf = new Int32Array(nSamples); // −1: complete
  const patternIndex = new Map<number | string, number>();
  const patternMasks: Uint8Array[] = [];
  const columnMeans = new Float64Array(d);
  const columnWeights = new Float64Array(d);
  const rowMask = new Uint8Array(d);
  for (let i = 0; i < nSamples; i++) {
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    let bits = 0;
    let nObserved = 0;
    for (let j = 0; j < d; j++) {
      const x = values[i * d + j];
      const seen = x === x;
      rowMask[j] = seen ? 1 : 0;
      if (seen) {
        nObserved++;
        if (d <= 30) bits |= 1 << j;
        columnMeans[j] += w * x;
        columnWeights[j] += w;
      }
    }
    if (nObserved === 0) {
      throw new GmmError('data', `row ${i + 1} has no observed value in the modelled columns`);
    }
    if (nObserved === d) {
      patternOf[i] = -1;
      continue;
    }
    const key = d <= 30 ? bits : rowMask.join('');
    let p = patternIndex.get(key);
    if (p === undefined) {
      p = patternMasks.length;
      patternIndex.set(key, p);
      patternMasks.push(rowMask.slice());
    }
    patternOf[i] = p;
  }
  for (let j = 0; j < d; j++) {
    columnMeans[j] = columnWeights[j] > 0 ? columnMeans[j] / columnWeights[j] : 0;
  }
  const P = patternMasks.length;
  const counts = new Int32Array(P + 1);
  let nComplete = 0;
  for (let i = 0; i < nSamples; i++) {
    if (patternOf[i] < 0) nComplete++;
    else counts[patternOf[i]]++;
  }
  const starts = new Int32Array(P + 1);
  starts[0] = nComplete;
  for (let p = 0; p < P; p++) starts[p + 1] = starts[p] + counts[p];
  const next = Int32Array.from(starts.subarray(0, P));
  const order = new Int32Array(nSamples);
  let completeAt = 0;
  for (let i = 0; i < nSamples; i++) {
    order[patternOf[i] < 0 ? completeAt++ : next[patternOf[i]]++] = i;
  }
  const observed = new Uint8Array(P * d);
  patternMasks.forEach((mask, p) => observed.set(mask, p * d));
  const grouped = new Float64Array(nSamples * d);
  const weights = rowWeights === undefined ? undefined : new Float64Array(nSamples);
  for (let s = 0; s < nSamples; s++) {
    const i = order[s];
    for (let j = 0; j < d; j++) {
      const x = values[i * d + j];
      grouped[s * d + j] = x === x ? x : columnMeans[j];
    }
    if (weights !== undefined) weights[s] = rowWeights![i];
  }
  return {
    data: {
      values: grouped,
      nSamples,
      nFeatures: d,
      rowWeights: weights,
      missing: { nComplete, starts, observed },
    },
    order,
  };
}

/**
 * The pattern layout of rows `indexes` (increasing) of a grouped matrix: they stay
 * grouped, since a pattern's rows are contiguous and in pattern order.
 */
export function subsetPatterns(
  missing: MissingPatterns,
  indexes: ArrayLike<number>,
): MissingPatterns {
  const P = missing.starts.length - 1;
  const d = P > 0 ? missing.observed.length / P : 0;
  const counts = new Int32Array(P);
  let nComplete = 0;
  let p = 0;
  for (let s = 0; s < indexes.length; s++) {
    const row = indexes[s];
    if (row < missing.nComplete) {
      nComplete++;
      continue;
    }
    while (row >= missing.starts[p + 1]) p++;
    counts[p]++;
  }
  // keep only the patterns that still have rows
  const kept: number[] = [];
  for (let q = 0; q < P; q++) if (counts[q] > 0) kept.push(q);
  const starts = new Int32Array(kept.length + 1);
  starts[0] = nComplete;
  const observed = new Uint8Array(kept.length * d);
  kept.forEach((q, t) => {
    starts[t + 1] = starts[t] + counts[q];
    observed.set(missing.observed.subarray(q * d, (q + 1) * d), t * d);
  });
  return { nComplete, starts, observed };
}

/** Rows that have a missing cell, and per column its missing cells (n×d, NaN = missing). */
export function countMissing(
  values: Float64Array,
  nSamples: number,
  nFeatures: number,
): { rows: number; perColumn: number[] } {
  const perColumn = new Array<number>(nFeatures).fill(0);
  let rows = 0;
  for (let i = 0; i < nSamples; i++) {
    let any = false;
    for (let j = 0; j < nFeatures; j++) {
      const x = values[i * nFeatures + j];
      if (x !== x) {
        perColumn[j]++;
        any = true;
      }
    }
    if (any) rows++;
  }
  return { rows, perColumn };
}
