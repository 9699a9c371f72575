import type { ResponsibilitySums, RowOutputs } from './e-step.js';
import type { PrecisionFactors } from './precision.js';
import { NEGLIGIBLE_LOG_RATIO } from './kernels.js';
import type { DataMatrix } from './types.js';
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
 * Writes `resp` (n×K) and `rows` at the rows' positions, and adds into `sums` (not
 * zeroed here). `imputed` (n×d, optional) receives Σₖ rᵢₖ x̂ᵢₖ in the missing cells.
 * Returns Σᵢ wᵢ log p(xᵢ,o).
 */
export function missingExpectation(
  data: DataMatrix,
  factors: PrecisionFactors,
  resp: Float64Array | null,
  sums: ResponsibilitySums | undefined,
  rows: RowOutputs,
  imputed?: Float64Array,
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
  const filled = new Float64Array(d);
  const centred = new Float64Array(d);
  const patternMass = new Float64Array(K);
  const obs = new Int32Array(d);
  const mis = new Int32Array(d);
  let logLikelihood = 0;
  for (let p = 0; p < P; p++) {
    let q = 0;
    let r = 0;
    for (let j = 0; j < d; j++) {
      if (missing.observed[p * d + j] === 1) obs[q++] = j;
      else mis[r++] = j;
    }
    // Per component: C (r×r), B = C Λ_mo (r×q, so x̂_m = μ_m − B (x_o − μ_o)),
    // S = Λ_oo − Λ_om B (q×q), and the constant of log πₖ N(x_o | ·).
    const conditional = new Float64Array(K * r * r);
    const regression = new Float64Array(K * r * q);
    const schur = new Float64Array(K * q * q);
    const constant = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const L = k * d * d;
      const mm = new Float64Array(r * r);
      for (let a = 0; a < r; a++) {
        for (let b = 0; b < r; b++) mm[a * r + b] = precisions[L + mis[a] * d + mis[b]];
      }
      const halfLogDetMm = invertSymmetric(mm, r, conditional, k * r * r, k);
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
    for (let i = missing.starts[p]; i < missing.starts[p + 1]; i++) {
      const o = i * d;
      const wi = rowWeights === undefined ? 1 : rowWeights[i];
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        const D = k * d;
        for (let a = 0; a < q; a++) diffs[D + a] = values[o + obs[a]] - means[D + obs[a]];
        // (x_o − μ_o)ᵀ S (x_o − μ_o), S symmetric: the diagonal plus twice the upper part
        let quadratic = 0;
        const S = k * q * q;
        for (let a = 0; a < q; a++) {
          const da = diffs[D + a];
          let s = 0.5 * schur[S + a * q + a] * da;
          for (let b = a + 1; b < q; b++) s += schur[S + a * q + b] * diffs[D + b];
          quadratic += da * s;
        }
        const t = constant[k] - quadratic;
        terms[k] = t;
        if (t > max) max = t;
      }
      if (!(max > -Infinity && max < Infinity)) {
        throw new GmmError(
          'numeric',
          `the density of a row with missing cells is not finite under any component`,
        );
      }
      let total = 0;
      for (let k = 0; k < K; k++) {
        const delta = terms[k] - max;
        terms[k] = delta < NEGLIGIBLE_LOG_RATIO ? 0 : Math.exp(delta);
        total += terms[k];
      }
      const lse = max + Math.log(total);
      logLikelihood += wi * lse;
      if (rows.logDensity) rows.logDensity[i] = lse;
      let bestR = -1;
      let bestK = 0;
      const inverse = 1 / total;
      for (let k = 0; k < K; k++) {
        const rk = terms[k] * inverse;
        terms[k] = rk;
        if (resp !== null) resp[i * K + k] = rk;
        if (rk > bestR) {
          bestR = rk;
          bestK = k;
        }
      }
      if (rows.labels) rows.labels[i] = bestK;
      if (rows.certainty) rows.certainty[i] = bestR;
      if (sums === undefined && imputed === undefined) continue;
      if (imputed !== undefined) for (let a = 0; a < r; a++) imputed[o + mis[a]] = 0;
      for (let k = 0; k < K; k++) {
        const rk = terms[k];
        if (rk === 0) continue;
        // x̂ₖ: observed cells as they are, missing ones by regression
        const D = k * d;
        for (let a = 0; a < q; a++) filled[obs[a]] = values[o + obs[a]];
        const R = k * r * q;
        for (let a = 0; a < r; a++) {
          let s = means[D + mis[a]];
          for (let b = 0; b < q; b++) s -= regression[R + a * q + b] * diffs[D + b];
          filled[mis[a]] = s;
          if (imputed !== undefined) imputed[o + mis[a]] += rk * s;
        }
        if (sums === undefined) continue;
        const rw = rk * wi;
        if (rw === 0) continue;
        sums.nk[k] += rw;
        patternMass[k] += rw;
        const c = pooled ? 0 : D;
        const sc = pooled ? 0 : k * d * d;
        for (let a = 0; a < d; a++) {
          sums.weightedSums[D + a] += rw * filled[a];
          centred[a] = filled[a] - means[c + a];
        }
        for (let a = 0; a < d; a++) {
          const ra = rw * centred[a];
          const row = sc + a * d;
          for (let b = a; b < d; b++) sums.scatter[row + b] += ra * centred[b];
        }
      }
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

/**
 * out[offset..] = A⁻¹ for a symmetric positive-definite r×r A (Cholesky); returns
 * ½ log|A|. `component` names the component in the error when A is not positive definite.
 */
function invertSymmetric(
  A: Float64Array,
  r: number,
  out: Float64Array,
  offset: number,
  component: number,
): number {
  const L = new Float64Array(r * r);
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
  const inv = new Float64Array(r * r);
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
