/**
 * A worker thread that computes E-step blocks (see engine/e-step.ts, BLOCK_ROWS) for
 * the parameters it is sent, over data it received once as a SharedArrayBuffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createResponsibilitySums, expectationBlock } from '../engine/e-step.js';
import type { PrecisionFactors } from '../engine/precision.js';
import type { DataMatrix, MissingPatterns } from '../engine/types.js';
import { sharedDataView } from './shared-data.js';
import { isGmmError } from '../errors.js';

export interface BlockWorkerData {
  readonly values: SharedArrayBuffer;
  readonly nSamples: number;
  readonly nFeatures: number;
  /** n row weights (copied), or undefined. */
  readonly rowWeights: Float64Array | undefined;
  /** The pattern layout of a grouped matrix (row-patterns.ts, copied), or undefined. */
  readonly missing: MissingPatterns | undefined;
}

export interface BlockRequest {
  readonly id: number;
  readonly factors: PrecisionFactors;
  readonly blocks: number[];
}

/** One block's share of an E-step: its ℓ and its sums. */
export interface BlockResult {
  readonly block: number;
  readonly logLikelihood: number;
  readonly nk: Float64Array;
  readonly weightedSums: Float64Array;
  readonly scatter: Float64Array;
}

export type BlockResponse =
  | { readonly id: number; readonly results: BlockResult[] }
  | { readonly id: number; readonly error: string; readonly numeric: boolean };

const { values, nSamples, nFeatures, rowWeights, missing } = workerData as BlockWorkerData;
const data: DataMatrix = sharedDataView(values, nSamples, nFeatures, { rowWeights, missing });

parentPort!.on('message', ({ id, factors, blocks }: BlockRequest) => {
  try {
    const scratch = new Float64Array(factors.nComponents);
    const results = blocks.map((block) => {
      const sums = createResponsibilitySums(factors.nComponents, nFeatures);
      const logLikelihood = expectationBlock(data, factors, block, null, sums, {}, scratch);
      return {
        block,
        logLikelihood,
        nk: sums.nk,
        weightedSums: sums.weightedSums,
        scatter: sums.scatter,
      };
    });
    const response: BlockResponse = { id, results };
    parentPort!.postMessage(
      response,
      results.flatMap((r) => [
        r.nk.buffer,
        r.weightedSums.buffer,
        r.scatter.buffer,
      ]) as ArrayBuffer[],
    );
  } catch (error) {
    const response: BlockResponse = {
      id,
      error: error instanceof Error ? error.message : String(error),
      numeric: isGmmError(error, 'numeric'),
    };
    parentPort!.postMessage(response);
  }
});
