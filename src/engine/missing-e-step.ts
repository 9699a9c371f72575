import type { ResponsibilitySums, RowOutputs } from './e-step.js';
import type { PrecisionFactors } from './precision.js';
import { patternKernel, type PatternKernel } from './pattern-kernel.js';
import type { DataMatrix, MissingPatterns } from './types.js';
import { GmmError } from '../errors.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The E-step over the rows with missing cells of a grouped matrix (row-patterns.ts):
 * rows [nComplete, n), pattern by pattern. Each row's likelihood is over its observed
 * cells o, the marginal N(x_o | μₖ,o, Σₖ,oo); its missing cells m are filled by their
 * conditional expectation given x_o under each component, and the sums get the
 * conditional covariance too (Ghahramani & Jordan 1994):
 *
 *   x̂ₖ,m = μₖ,m + Σₖ,mo Σₖ,oo⁻¹ (x_o − μₖ,o),   Cₖ = Σₖ,mm − Σₖ,mo Σₖ,oo⁻¹ Σₖ,om,
 *   Nₖ += wᵢ rᵢₖ,  Σ r x += wᵢ rᵢₖ x̂ᵢₖ,  scatter += wᵢ rᵢₖ [(x̂ᵢₖ − c)(x̂ᵢₖ − c)ᵀ + Cₖ]
 *
 * (x̂ᵢₖ: x_o in the observed cells, x̂ₖ,m in the missing ones). These are the expected
 * complete-data sufficient statistics, so the M-step (m-step.ts) is the same for every
 * covariance structure. The scatter is around c = cₖ per component, or c = c₁ for
 * all components when it is pooled (tied), the layout the kernels use.
 *
 * Everything comes from the precision Λₖ = WₖᵀWₖ (Wₖ the inverse Cholesky factor):
 * Cₖ = (Λₖ,mm)⁻¹, Σₖ,mo Σₖ,oo⁻¹ = −Cₖ Λₖ,mo, Σₖ,oo⁻¹ = Λₖ,oo − Λₖ,om Cₖ Λₖ,mo (Schur
 * complement) and log|Σₖ,oo| = log|Σₖ| + log|Λₖ,mm|. Per pattern and component that
 * is one |m|×|m| Cholesky, done once per E-step; per row only |o|² + |m||o| work.
 *
 * Only rows [first, last) (a row block, e-step.ts; all of them by default). Writes
 * `resp` (n×K) and `rows` at the rows' positions, and adds into `sums` (not zeroed
 * here). `imputed` (n×d, optional) receives Σₖ rᵢₖ x̂ᵢₖ in the missing cells.
 * Returns Σᵢ wᵢ log p(xᵢ,o).
 */
export function missingExpectation(
  data: DataMatrix,
  factors: PrecisionFactors,
  resp: Float64Array | null,
  sums: ResponsibilitySums | undefined,
  rows: RowOutputs,
  imputed?: Float64Array,
  first = data.missing?.nComplete ?? data.nSamples,
  last = data.nSamples,
): number {
  const missing = data.missing;
  if (missing === undefined) return 0;
  const { values, nFeatures: d, rowWeights } = data;
  const K = factors.nComponents;
  const { invChol, means, logWeightedNorm, logNorm } = factors;
  const pooled = sums !== undefined && sums.pooled;
  // Λₖ = WₖᵀWₖ (K×d×d) and ½ log|Λₖ| = Σⱼ log Wₖ,jj.
  const precisions = new Float64Array(K * d * d);
  const halfLogDetPrecision = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const w = k * d * d;
    for (let a = 0; a < d; a++) {
      halfLogDetPrecision[k] += Math.log(invChol[w + a * d + a]);
      for (let b = 0; b < d; b++) {
        let s = 0;
        for (let t = Math.max(a, b); t < d; t++)
          s += invChol[w + t * d + a] * invChol[w + t * d + b];
        precisions[w + a * d + b] = s;
      }
    }
  }
  const logWeight = new Float64Array(K);
  for (let k = 0; k < K; k++) logWeight[k] = logWeightedNorm[k] - logNorm[k];

  const P = missing.starts.length - 1;
  const terms = new Float64Array(K);
  // K×d: x − μₖ on the observed cells (first q entries per component)
  const diffs = new Float64Array(K * d);
  const patternMass = new Float64Array(K);
  const obs = new Int32Array(d);
  const mis = new Int32Array(d);
  // per-pattern work arrays, sized for the largest pattern (allocated once per E-step)
  const conditional = new Float64Array(K * d * d);
  const regression = new Float64Array(K * d * d);
  const schur = new Float64Array(K * d * d);
  const constant = new Float64Array(K);
  const mm = new Float64Array(d * d);
  const work = new Float64Array(2 * d * d);
  let logLikelihood = 0;
  const kernels = kernelsOf(missing, d);
  for (let p = 0; p < P; p++) {
    const from = Math.max(missing.starts[p], first);
    const to = Math.min(missing.starts[p + 1], last);
    if (from >= to) continue;
    let q = 0;
    let r = 0;
    for (let j = 0; j < d; j++) {
      if (missing.observed[p * d + j] === 1) obs[q++] = j;
      else mis[r++] = j;
    }
    // Per component: C (r×r), B = C Λ_mo (r×q, so x̂_m = μ_m − B (x_o − μ_o)),
    // S = Λ_oo − Λ_om B (q×q), and the constant of log πₖ N(x_o | ·).
    for (let k = 0; k < K; k++) {
      const L = k * d * d;
      for (let a = 0; a < r; a++) {
        for (let b = 0; b < r; b++) mm[a * r + b] = precisions[L + mis[a] * d + mis[b]];
      }
      const halfLogDetMm = invertSymmetric(mm, r, conditional, k * r * r, k, work);
      for (let a = 0; a < r; a++) {
        for (let b = 0; b < q; b++) {
          let s = 0;
          for (let t = 0; t < r; t++) {
            s += conditional[k * r * r + a * r + t] * precisions[L + mis[t] * d + obs[b]];
          }
          regression[k * r * q + a * q + b] = s;
        }
      }
      for (let a = 0; a < q; a++) {
        for (let b = 0; b < q; b++) {
          let s = precisions[L + obs[a] * d + obs[b]];
          for (let t = 0; t < r; t++) {
            s -= precisions[L + obs[a] * d + mis[t]] * regression[k * r * q + t * q + b];
          }
          schur[k * q * q + a * q + b] = s;
        }
      }
      constant[k] = logWeight[k] - 0.5 * q * LOG_2PI + halfLogDetPrecision[k] - halfLogDetMm;
    }
    patternMass.fill(0);
    const status = new Int32Array(1);
    logLikelihood += kernels[p](
      values,
      from,
      to,
      K,
      rowWeights ?? null,
      means,
      schur,
      regression,
      constant,
      terms,
      diffs,
      resp,
      rows.logDensity ?? null,
      rows.labels ?? null,
      rows.certainty ?? null,
      sums?.nk ?? null,
      sums?.weightedSums ?? null,
      sums?.scatter ?? null,
      patternMass,
      pooled,
      imputed ?? null,
      status,
    );
    if (status[0] !== 0) {
      throw new GmmError(
        'numeric',
        `the density of a row with missing cells is not finite under any component`,
      );
    }
    if (sums === undefined) continue;
    // + Σᵢ wᵢ rᵢₖ Cₖ on the missing block, once per pattern
    for (let k = 0; k < K; k++) {
      const s = pooled ? 0 : k * d * d;
      for (let a = 0; a < r; a++) {
        for (let b = a; b < r; b++) {
          sums.scatter[s + mis[a] * d + mis[b]] +=
            patternMass[k] * conditional[k * r * r + a * r + b];
        }
      }
    }
  }
  return logLikelihood;
}

/** Each pattern's generated row loop, looked up once per grouped matrix. */
const patternKernels = new WeakMap<MissingPatterns, PatternKernel[]>();

function kernelsOf(missing: MissingPatterns, d: number): PatternKernel[] {
  let kernels = patternKernels.get(missing);
  if (kernels === undefined) {
    kernels = Array.from({ length: missing.starts.length - 1 }, (_, p) =>
      patternKernel(d, missing.observed.subarray(p * d, (p + 1) * d)),
    );
    patternKernels.set(missing, kernels);
  }
  return kernels;
}

/**
 * out[offset..] = A⁻¹ for a symmetric positive-definite r×r A (Cholesky); returns
 * ½ log|A|. `component` names the component in the error when A is not positive definite.
 * (A's r×r entries are read from its first r² elements.)
 */
function invertSymmetric(
  A: Float64Array,
  r: number,
  out: Float64Array,
  offset: number,
  component: number,
  work: Float64Array,
): number {
  // work: 2r² scratch (the factor L, then L⁻¹), zeroed here
  work.fill(0, 0, 2 * r * r);
  const L = work.subarray(0, r * r);
  let halfLogDet = 0;
  for (let a = 0; a < r; a++) {
    for (let b = 0; b <= a; b++) {
      let s = A[a * r + b];
      for (let t = 0; t < b; t++) s -= L[a * r + t] * L[b * r + t];
      if (a === b) {
        if (!(s > 0)) {
          throw new GmmError(
            'numeric',
            `the covariance of component ${component + 1} is not positive definite`,
          );
        }
        L[a * r + a] = Math.sqrt(s);
        halfLogDet += Math.log(L[a * r + a]);
      } else {
        L[a * r + b] = s / L[b * r + b];
      }
    }
  }
  // L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀ L⁻¹
  const inv = work.subarray(r * r, 2 * r * r);
  for (let col = 0; col < r; col++) {
    for (let row = col; row < r; row++) {
      let s = row === col ? 1 : 0;
      for (let t = col; t < row; t++) s -= L[row * r + t] * inv[t * r + col];
      inv[row * r + col] = s / L[row * r + row];
    }
  }
  for (let a = 0; a < r; a++) {
    for (let b = 0; b < r; b++) {
      let s = 0;
      for (let t = Math.max(a, b); t < r; t++) s += inv[t * r + a] * inv[t * r + b];
      out[offset + a * r + b] = s;
    }
  }
  return halfLogDet;
}
