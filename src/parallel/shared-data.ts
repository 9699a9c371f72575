import type { DataMatrix } from '../engine/types.js';

/**
 * The data's values as a SharedArrayBuffer for worker threads: the buffer they already
 * live on when it is one (the CSV reader puts them there: 10M×5 rows are 400 MB not
 * copied), else a copy. Workers read them back with `sharedDataView`.
 */
export function shareValues(data: DataMatrix): SharedArrayBuffer {
  const { values } = data;
  if (values.buffer instanceof SharedArrayBuffer && values.byteOffset === 0) return values.buffer;
  const shared = new SharedArrayBuffer(values.byteLength);
  new Float64Array(shared).set(values);
  return shared;
}

/** What a worker needs of the data besides its values: row weights and missing-cell patterns (copied). */
export type DataExtras = Pick<DataMatrix, 'rowWeights' | 'missing'>;

export function dataExtras(data: DataMatrix): DataExtras {
  return { rowWeights: data.rowWeights, missing: data.missing };
}

/** The n×d values a worker was sent with shareValues (and its extras). */
export function sharedDataView(
  buffer: SharedArrayBuffer,
  nSamples: number,
  nFeatures: number,
  extras: DataExtras = {},
): DataMatrix {
  return {
    values: new Float64Array(buffer, 0, nSamples * nFeatures),
    nSamples,
    nFeatures,
    ...extras,
  };
}
