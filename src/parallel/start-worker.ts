/**
 * A worker thread that runs EM starts. It receives the data once (a SharedArrayBuffer,
 * not copied) and then one task at a time; it answers each with the StartRun.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createTaskExecutor, type StartTask } from '../engine/search-sample.js';
import type { SweepSettings } from '../engine/select-model.js';
import { sharedDataView } from './shared-data.js';

export interface StartWorkerData {
  readonly values: SharedArrayBuffer;
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly settings: SweepSettings;
}

export interface StartRequest {
  readonly index: number;
  readonly task: StartTask;
}

const { values, nSamples, nFeatures, settings } = workerData as StartWorkerData;
const execute = createTaskExecutor(sharedDataView(values, nSamples, nFeatures), settings);

parentPort!.on('message', ({ index, task }: StartRequest) => {
  try {
    parentPort!.postMessage({ index, run: execute(task) });
  } catch (error) {
    parentPort!.postMessage({
      index,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});
