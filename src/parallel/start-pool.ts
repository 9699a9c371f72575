import { Worker } from 'node:worker_threads';
import { columnVariances } from '../engine/collapse.js';
import { blockCount } from '../engine/e-step.js';
import type { StartRun } from '../engine/em.js';
import { BlockPool, runStartOnBlocks } from './block-pool.js';
import { runStartsInline, type StartRunner, type StartTask } from '../engine/select-model.js';
import type { StartRequest, StartWorkerData } from './start-worker.js';
import { shareValues } from './shared-data.js';

/** Below this much work (rows × K × d² summed over starts), thread start-up costs more than it saves. */
const MIN_PARALLEL_WORK = 2e6;

/**
 * A StartRunner over `threads` worker threads. Starts are handed out one at a time as
 * workers become free, and results are put back in task order; refinements on large
 * data (tasks with initial parameters) run one after another with each E-step split
 * into row blocks over the threads (BlockPool). Either way the outcome is the same for
 * any thread count. Small jobs run inline.
 */
export function startRunnerWithThreads(threads: number): StartRunner {
  return async (data, settings, tasks, onProgress) => {
    const refinements = tasks.every((t) => t.initial !== undefined);
    if (threads > 1 && refinements && blockCount(data.nSamples) >= 2) {
      const pool = BlockPool.create(data, Math.min(threads, blockCount(data.nSamples)));
      const variances = columnVariances(data.values, data.nSamples, data.nFeatures);
      try {
        const runs: StartRun[] = [];
        for (const task of tasks) {
          const modelSettings = {
            ...settings,
            nComponents: task.nComponents,
            covarianceType: task.covarianceType,
          };
          runs.push(
            await runStartOnBlocks(
              pool,
              data,
              modelSettings,
              task.start,
              variances,
              task.initial!,
              (iteration, logLikelihood) =>
                onProgress?.(runs.length, tasks.length, { iteration, logLikelihood }),
            ),
          );
          onProgress?.(runs.length, tasks.length);
        }
        return runs;
      } finally {
        await pool.close();
      }
    }
    const work = tasks.reduce(
      (sum, t) => sum + data.nSamples * t.nComponents * data.nFeatures ** 2,
      0,
    );
    const nWorkers = Math.min(threads, tasks.length);
    if (nWorkers <= 1 || work < MIN_PARALLEL_WORK) {
      return runStartsInline(data, settings, tasks, onProgress);
    }

    const shared = shareValues(data);
    const workerData: StartWorkerData = {
      values: shared,
      nSamples: data.nSamples,
      nFeatures: data.nFeatures,
      settings,
    };
    const runs: StartRun[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    const finished = () => onProgress?.(++done, tasks.length);
    const workers = Array.from(
      { length: nWorkers },
      () => new Worker(new URL('./start-worker.js', import.meta.url), { workerData }),
    );
    try {
      await Promise.all(
        workers.map((worker) => drain(worker, tasks, runs, () => next++, finished)),
      );
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
    return runs;
  };
}

/** Feeds one worker tasks until none are left. */
function drain(
  worker: Worker,
  tasks: readonly StartTask[],
  runs: StartRun[],
  take: () => number,
  finished: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const send = () => {
      const index = take();
      if (index >= tasks.length) {
        resolve();
        return;
      }
      const request: StartRequest = { index, task: tasks[index] };
      worker.postMessage(request);
    };
    worker.on('message', (message: { index: number; run?: StartRun; error?: string }) => {
      if (message.error !== undefined) {
        reject(new Error(message.error));
        return;
      }
      runs[message.index] = message.run!;
      finished();
      send();
    });
    worker.on('error', reject);
    send();
  });
}
