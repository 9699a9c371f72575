import { Worker } from 'node:worker_threads';
import {
  addSums,
  beginSums,
  blockCount,
  completeRows,
  createResponsibilitySums,
  type ResponsibilitySums,
} from '../engine/e-step.js';
import { missingExpectation } from '../engine/missing-e-step.js';
import type { PrecisionFactors } from '../engine/precision.js';
import type { DataMatrix } from '../engine/types.js';
import type { BlockRequest, BlockResponse, BlockResult, BlockWorkerData } from './block-worker.js';
import { shareValues } from './shared-data.js';
import { GmmError } from '../errors.js';

/**
 * Worker threads that share one data set (a SharedArrayBuffer) and compute the
 * E-step a block of rows each. The blocks' sums are added in block order, exactly as
 * the single-threaded E-step adds them, so the result is the same for any thread count.
 */
export class BlockPool {
  private nextId = 0;

  private constructor(
    private readonly workers: Worker[],
    private readonly nSamples: number,
    private readonly data: DataMatrix,
  ) {}

  /**
   * Workers get the complete rows (all rows, unless some have missing cells: those
   * are grouped after the complete ones and done here, after the blocks, as the
   * single-threaded E-step does them).
   */
  static create(data: DataMatrix, threads: number): BlockPool {
    const complete = completeRows(data);
    const shared = shareValues(complete);
    const workerData: BlockWorkerData = {
      values: shared,
      nSamples: complete.nSamples,
      nFeatures: data.nFeatures,
      rowWeights: complete.rowWeights?.slice(),
    };
    const workers = Array.from(
      { length: threads },
      () => new Worker(new URL('./block-worker.js', import.meta.url), { workerData }),
    );
    return new BlockPool(workers, complete.nSamples, data);
  }

  /** One E-step over all rows: fills `sums` (zeroed first) and returns ℓ. */
  async expectationStep(factors: PrecisionFactors, sums: ResponsibilitySums): Promise<number> {
    const nBlocks = blockCount(this.nSamples);
    const assignments = this.workers.map((_, w) =>
      Array.from({ length: nBlocks }, (_, b) => b).filter((b) => b % this.workers.length === w),
    );
    const pending = Promise.all(
      this.workers.map((worker, w) => this.request(worker, factors, assignments[w])),
    );
    // The rows with missing cells, here while the workers do the blocks (their sums
    // are still added after the blocks', in the single-threaded E-step's order).
    let extra: ResponsibilitySums | undefined;
    let missingLogLikelihood = 0;
    if (this.data.missing !== undefined) {
      extra = createResponsibilitySums(factors.nComponents, this.data.nFeatures);
      beginSums(extra, factors);
      try {
        missingLogLikelihood = missingExpectation(this.data, factors, null, extra, {});
      } catch (error) {
        await pending.catch(() => undefined);
        throw error;
      }
    }
    const answers = await pending;
    const byBlock: BlockResult[] = new Array(nBlocks);
    for (const results of answers) for (const result of results) byBlock[result.block] = result;
    beginSums(sums, factors);
    let logLikelihood = 0;
    for (const result of byBlock) {
      logLikelihood += result.logLikelihood;
      addSums(sums, result);
    }
    if (extra !== undefined) {
      logLikelihood += missingLogLikelihood;
      addSums(sums, extra);
    }
    return logLikelihood;
  }

  private request(
    worker: Worker,
    factors: PrecisionFactors,
    blocks: number[],
  ): Promise<BlockResult[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (response: BlockResponse) => {
        if (response.id !== id) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        if ('error' in response) {
          reject(
            response.numeric ? new GmmError('numeric', response.error) : new Error(response.error),
          );
        } else {
          resolve(response.results);
        }
      };
      worker.on('message', onMessage);
      worker.on('error', reject);
      const request: BlockRequest = { id, factors, blocks };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
