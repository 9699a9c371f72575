/**
 * A worker thread that searches models (engine/search.ts). It receives the data once
 * (a SharedArrayBuffer, not copied) and then one model at a time; it answers each
 * with the CellSearch, and says now and then how many short runs are done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  createSearchExecutor,
  type CellTask,
  type SweepSettings,
} from '../engine/search-sample.js';
import type { CellSearch } from '../engine/search.js';
import { sharedDataView, type DataExtras } from './shared-data.js';

export interface SearchWorkerData {
  readonly values: SharedArrayBuffer;
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly extras: DataExtras;
  readonly settings: SweepSettings;
}

export interface SearchRequest {
  readonly index: number;
  readonly task: CellTask;
}

export type SearchMessage =
  | { readonly index: number; readonly search: CellSearch }
  | { readonly index: number; readonly starts: { done: number; total: number } }
  | { readonly index: number; readonly error: string };

/** Short runs between two progress messages. */
const PROGRESS_EVERY = 16;

const { values, nSamples, nFeatures, extras, settings } = workerData as SearchWorkerData;
const execute = createSearchExecutor(sharedDataView(values, nSamples, nFeatures, extras), settings);

parentPort!.on('message', ({ index, task }: SearchRequest) => {
  const post = (message: SearchMessage) => parentPort!.postMessage(message);
  try {
    const search = execute(task, (done, total) => {
      if (done % PROGRESS_EVERY === 0) post({ index, starts: { done, total } });
    });
    post({ index, search });
  } catch (error) {
    post({ index, error: error instanceof Error ? error.message : String(error) });
  }
});
