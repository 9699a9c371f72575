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

/** The n×d values a worker was sent with shareValues. */
export function sharedDataView(
  buffer: SharedArrayBuffer,
  nSamples: number,
  nFeatures: number,
): DataMatrix {
  return { values: new Float64Array(buffer, 0, nSamples * nFeatures), nSamples, nFeatures };
}
