/**
 * A worker thread that runs EM starts. It receives the data once (a SharedArrayBuffer,
 * not copied) and then one task at a time; it answers each with the StartRun.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { columnVariances } from '../engine/collapse.js';
import { runStartTask } from '../engine/em.js';
import type { StartTask, SweepSettings } from '../engine/select-model.js';
import type { DataMatrix } from '../engine/types.js';

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
const data: DataMatrix = { values: new Float64Array(values), nSamples, nFeatures };
const variances = columnVariances(data.values, nSamples, nFeatures);

parentPort!.on('message', ({ index, task }: StartRequest) => {
  try {
    const run = runStartTask(data, { ...settings, ...task }, task.start, variances);
    parentPort!.postMessage({ index, run });
  } catch (error) {
    parentPort!.postMessage({
      index,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});
