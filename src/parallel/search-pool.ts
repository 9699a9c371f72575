import { Worker } from 'node:worker_threads';
import { blockCount } from '../engine/e-step.js';
import { neighbourSteps, plannedSteps, searchPlan, stepCostPerRow } from '../engine/search-plan.js';
import { searchRowCount } from '../engine/search-sample.js';
import type { CellSearch } from '../engine/search.js';
import { inlineRunner, type CellTask, type SweepRunner } from '../engine/select-model.js';
import type { DataMatrix } from '../engine/types.js';
import { BlockPool } from './block-pool.js';
import type { SearchMessage, SearchRequest, SearchWorkerData } from './search-worker.js';
import { dataExtras, shareValues } from './shared-data.js';

/**
 * Below this much estimated search work (operations), threads cost more than they save:
 * each worker loads the modules and warms up the JIT on its own, and on two cores the
 * compiler and GC threads of a single thread already use the second one. Measured on
 * faithful and Mall (2 cores), inline against two threads: 2.7e8 (faithful, 14 models ×
 * G=1..9, --n-init 0) 0.87 against 1.11 s; 3.5e8 0.55 against 0.69 s; 9.9e8 (Mall, four
 * structures × K=2..3) 1.06 s both; 2.4e9 2.0 against 1.76 s.
 */
const MIN_PARALLEL_WORK = 5e8;

/**
 * A SweepRunner over `threads` worker threads. Model searches are handed out one at
 * a time as workers become free and put back in task order; E-steps over all rows are
 * split into row blocks over the threads (BlockPool) when there are at least two
 * blocks. Either way the outcome is the same for any thread count. Small jobs run inline.
 */
export function sweepRunnerWithThreads(threads: number): SweepRunner {
  return {
    async search(data, settings, tasks, onProgress) {
      const nWorkers = Math.min(threads, tasks.length);
      if (nWorkers <= 1 || searchWork(data, settings.nInit, tasks) < MIN_PARALLEL_WORK) {
        return inlineRunner.search(data, settings, tasks, onProgress);
      }
      const workerData: SearchWorkerData = {
        values: shareValues(data),
        nSamples: data.nSamples,
        nFeatures: data.nFeatures,
        extras: dataExtras(data),
        settings,
      };
      const searches: CellSearch[] = new Array(tasks.length);
      let next = 0;
      let done = 0;
      const workers = Array.from(
        { length: nWorkers },
        () => new Worker(new URL('./search-worker.js', import.meta.url), { workerData }),
      );
      try {
        await Promise.all(
          workers.map(
            (worker) =>
              new Promise<void>((resolve, reject) => {
                const send = () => {
                  const index = next++;
                  if (index >= tasks.length) {
                    resolve();
                    return;
                  }
                  const request: SearchRequest = { index, task: tasks[index] };
                  worker.postMessage(request);
                  onProgress?.({ done, total: tasks.length, task: tasks[index] });
                };
                worker.on('message', (message: SearchMessage) => {
                  if ('error' in message) {
                    reject(new Error(message.error));
                  } else if ('starts' in message) {
                    const task = tasks[message.index];
                    onProgress?.({ done, total: tasks.length, task, starts: message.starts });
                  } else {
                    searches[message.index] = message.search;
                    onProgress?.({ done: ++done, total: tasks.length });
                    send();
                  }
                });
                worker.on('error', reject);
                send();
              }),
          ),
        );
      } finally {
        await Promise.all(workers.map((worker) => worker.terminate()));
      }
      return searches;
    },

    eSteps(data) {
      // Workers take the row blocks, rows with missing cells included.
      const nBlocks = blockCount(data.nSamples);
      if (threads <= 1 || nBlocks < 2) return inlineRunner.eSteps(data);
      const pool = BlockPool.create(data, Math.min(threads, nBlocks));
      return {
        execute: ({ factors, sums }) => pool.expectationStep(factors, sums),
        close: () => pool.close(),
      };
    },
  };
}

/** Operations the exploring stages of these searches (or improvements from neighbours) will take (see search-plan.ts). */
function searchWork(data: DataMatrix, nInit: number | 'auto', tasks: readonly CellTask[]): number {
  return tasks.reduce((sum, { nComponents, covarianceType, neighbours }) => {
    const rows = Math.min(data.nSamples, searchRowCount(nComponents, data.nFeatures));
    const plan = searchPlan(rows, data.nFeatures, nComponents, covarianceType, nInit);
    const perIteration = rows * stepCostPerRow(data.nFeatures, nComponents, covarianceType);
    const steps = neighbours === undefined ? plannedSteps(plan) : neighbourSteps(plan, nComponents);
    return sum + steps * perIteration;
  }, 0);
}
