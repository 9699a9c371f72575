/**
 * The row loop of the missing-cell E-step (missing-e-step.ts) for one missingness
 * pattern, generated once per (d, observed columns) with the loops over cells written
 * out, as kernels.ts does for complete rows: the observed and missing column indexes
 * become constants. Per row and component: the marginal term over the observed cells,
 * then, for the components with weight, the row filled by regression and its sums.
 *
 * Arguments (shapes): X n×d data · start, end the pattern's rows · K · WT n weights or
 * null · M K×d means · S K×q×q the Schur complements (marginal precisions on o) ·
 * B K×r×q the regressions (x̂_m = μ_m − B (x_o − μ_o)) · C K constants of
 * log πₖ N(x_o | ·) · T K, DF K×q scratch · R n×K, LD, LAB, CERT n (out, or null) ·
 * NK K, SX K×d, SC K×d×d (upper) sums, PM K (Σ w r over the pattern) (out, or NK null
 * to skip) · pooled: SC gets the total scatter around μ₁ (tied) · IMP n×d imputed
 * values (out, or null) · status Int32Array(1): i+1 for a row with no finite term.
 * Returns Σ wᵢ log p(xᵢ,o).
 */
import { compileKernel, exponentiateTerms } from './kernels.js';

export type PatternKernel = (
  X: Float64Array,
  start: number,
  end: number,
  K: number,
  WT: Float64Array | null,
  M: Float64Array,
  S: Float64Array,
  B: Float64Array,
  C: Float64Array,
  T: Float64Array,
  DF: Float64Array,
  R: Float64Array | null,
  LD: Float64Array | null,
  LAB: Int32Array | null,
  CERT: Float64Array | null,
  NK: Float64Array | null,
  SX: Float64Array | null,
  SC: Float64Array | null,
  PM: Float64Array | null,
  pooled: boolean,
  IMP: Float64Array | null,
  status: Int32Array,
) => number;

const cache = new Map<string, PatternKernel>();

/** The kernel for rows observing columns `observed` (d flags, 1 = observed). */
export function patternKernel(d: number, observed: ArrayLike<number>): PatternKernel {
  const key = `${d}:${Array.from(observed).join('')}`;
  let kernel = cache.get(key);
  if (kernel === undefined) {
    kernel = generate(d, observed);
    cache.set(key, kernel);
  }
  return kernel;
}

function generate(d: number, observedFlags: ArrayLike<number>): PatternKernel {
  const obs: number[] = [];
  const mis: number[] = [];
  for (let j = 0; j < d; j++) (observedFlags[j] === 1 ? obs : mis).push(j);
  const q = obs.length;
  const r = mis.length;
  const qs = obs.map((_, a) => a);
  const rs = mis.map((_, a) => a);
  const loadRow = obs.map((j, a) => `const x${a} = X[o + ${j}];`).join(' ');
  const differences = obs.map((j, a) => `const f${a} = x${a} - M[m + ${j}];`).join(' ');
  const store = qs.map((a) => `DF[g + ${a}] = f${a};`).join(' ');
  // (x_o − μ_o)ᵀ S (x_o − μ_o) = Σₐ fₐ (½ Sₐₐ fₐ + Σ_{b>a} Sₐᵦ f_b), then ×2 folded in below
  const quadratic = qs
    .map(
      (a) =>
        `f${a} * (${[`0.5 * S[s + ${a * q + a}] * f${a}`, ...qs.slice(a + 1).map((b) => `S[s + ${a * q + b}] * f${b}`)].join(' + ')})`,
    )
    .join(' + ');
  const reload = qs.map((a) => `const f${a} = DF[g + ${a}];`).join(' ');
  const regressions = rs
    .map(
      (a) =>
        `const h${a} = M[m + ${mis[a]}]${qs.map((b) => ` - B[b + ${a * q + b}] * f${b}`).join('')};`,
    )
    .join('\n          ');
  const impute = rs.map((a) => `IMP[o + ${mis[a]}] += rk * h${a};`).join(' ');
  const zeroImputed = rs.map((a) => `IMP[o + ${mis[a]}] = 0;`).join(' ');
  // v_j: the filled row (observed cells, or the regression)
  const value = (j: number) => (obs.includes(j) ? `x${obs.indexOf(j)}` : `h${mis.indexOf(j)}`);
  const columns = Array.from({ length: d }, (_, j) => j);
  const sums = columns.map((j) => `SX[m + ${j}] += rw * ${value(j)};`).join(' ');
  const centred = columns.map((j) => `const e${j} = ${value(j)} - M[c + ${j}];`).join(' ');
  const scatter = columns
    .flatMap((a) =>
      columns
        .slice(a)
        .map((b) =>
          b === a
            ? `SC[t + ${a * d + a}] += ra${a} * e${a};`
            : `SC[t + ${a * d + b}] += ra${a} * e${b};`,
        ),
    )
    .join(' ');
  const weighted = columns.map((j) => `const ra${j} = rw * e${j};`).join(' ');
  const body = `
  const D = ${d};
  const DD = ${d * d};
  const Q = ${q};
  const gather = NK !== null;
  let ll = 0;
  for (let i = start; i < end; i++) {
    const o = i * D;
    const wi = WT === null ? 1 : WT[i];
    ${loadRow}
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const m = k * D;
      const s = k * ${q * q};
      const g = k * Q;
      ${differences}
      ${store}
      const t = C[k] - (${quadratic});
      T[k] = t;
      if (t > max) max = t;
    }
${exponentiateTerms()}
    const lse = max + Math.log(total);
    ll += wi * lse;
    if (LD !== null) LD[i] = lse;
    const inverse = 1 / total;
    let bestR = -1;
    let bestK = 0;
    for (let k = 0; k < K; k++) {
      const rk = T[k] * inverse;
      T[k] = rk;
      if (R !== null) R[i * K + k] = rk;
      if (rk > bestR) { bestR = rk; bestK = k; }
    }
    if (LAB !== null) LAB[i] = bestK;
    if (CERT !== null) CERT[i] = bestR;
    if (!gather && IMP === null) continue;
    if (IMP !== null) { ${zeroImputed} }
    for (let k = 0; k < K; k++) {
      const rk = T[k];
      if (rk === 0) continue;
      const m = k * D;
      const g = k * Q;
      const b = k * ${r * q};
      ${reload}
      ${regressions}
      if (IMP !== null) { ${impute} }
      if (!gather) continue;
      const rw = rk * wi;
      if (rw === 0) continue;
      NK[k] += rw;
      PM[k] += rw;
      ${sums}
      const c = pooled ? 0 : m;
      const t = pooled ? 0 : k * DD;
      ${centred}
      ${weighted}
      ${scatter}
    }
  }
  return ll;`;
  return compileKernel<PatternKernel>(
    'patternKernel',
    'X, start, end, K, WT, M, S, B, C, T, DF, R, LD, LAB, CERT, NK, SX, SC, PM, pooled, IMP, status',
    body,
  );
}
