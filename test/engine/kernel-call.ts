/** One call of an E-step kernel (kernels.ts) with fresh outputs, for the kernel tests. */
import type { ExpectationKernel } from '../../src/engine/kernels.js';
import type { PrecisionFactors } from '../../src/engine/precision.js';

export interface KernelOutputs {
  readonly logLikelihood: number;
  readonly status: number;
  readonly nk: Float64Array | null;
  readonly weightedSums: Float64Array | null;
  readonly scatter: Float64Array | null;
  readonly resp: Float64Array | null;
  readonly logDensity: Float64Array | null;
  readonly labels: Int32Array | null;
  readonly certainty: Float64Array | null;
}

/**
 * The kernel on rows X (n×d) with `factors`: ℓ, with the M-step's sums when `gather`
 * (the call EM makes) and the per-row outputs when `rows`; `weights` (n) or null.
 */
export function callKernel(
  kernel: ExpectationKernel,
  X: Float64Array,
  n: number,
  factors: PrecisionFactors,
  {
    gather = true,
    rows = false,
    weights = null,
  }: { gather?: boolean; rows?: boolean; weights?: Float64Array | null } = {},
): KernelOutputs {
  const K = factors.nComponents;
  const d = X.length / n;
  const out = {
    nk: gather ? new Float64Array(K) : null,
    weightedSums: gather ? new Float64Array(K * d) : null,
    scatter: gather ? new Float64Array(K * d * d) : null,
    resp: rows ? new Float64Array(n * K) : null,
    logDensity: rows ? new Float64Array(n) : null,
    labels: rows ? new Int32Array(n) : null,
    certainty: rows ? new Float64Array(n) : null,
  };
  const status = new Int32Array(1);
  const logLikelihood = kernel(
    X,
    n,
    K,
    factors.invChol,
    factors.means,
    factors.logWeightedNorm,
    out.resp,
    new Float64Array(K),
    out.nk,
    out.weightedSums,
    out.scatter,
    out.logDensity,
    out.labels,
    out.certainty,
    status,
    factors.projectedMeans,
    weights,
  );
  return { ...out, logLikelihood, status: status[0] };
}
