import {
  EXP_FRACTIONS,
  EXP_TAYLOR,
  LN2_64_HI,
  LN2_64_LO,
  NEGLIGIBLE_LOG_RATIO,
  POWERS_OF_TWO,
} from './fast-exp.js';
import { wasmKernel } from './wasm-kernels.js';

/**
 * The E-step's n×K hot loop, generated once per (d, covariance shape) with the
 * per-dimension loops unrolled for small d: the Mahalanobis term, log-sum-exp
 * normalisation, and the sums the M-step needs (Nₖ, Σ r x, and the scatter
 * Σ r (x−μₖ)(x−μₖ)ᵀ around the current means), all in one pass over the rows.
 * Generated code is plain arithmetic on the typed arrays it is given.
 *
 * Arguments of a kernel (shapes):
 *   X n×d data · W K×d×d inverse Cholesky factors (lower) · M K×d means ·
 *   C K log πₖ − ½ log|2πΣₖ| · R n×K responsibilities (out, or null: EM itself needs
 *   only the sums) · T K scratch ·
 *   NK K, SX K×d, SC K×d×d (upper triangle) sums (out, or null to skip) ·
 *   LD n log densities, LAB n most likely components (first on ties), CERT n their
 *   probabilities (out, or null) · status Int32Array(1): set to i+1 when row i
 *   has no finite term, and the kernel returns NaN · P K×d projected means (tied
 *   only: see PrecisionFactors.projectedMeans) · WT n row weights (weighted kernels
 *   only, else ignored).
 *
 * A weighted kernel (frequency weights wᵢ) adds wᵢ·log p(xᵢ) to ℓ and wᵢ·rᵢₖ to every
 * sum, which is what repeating row i wᵢ times would add; R, LD, LAB and CERT stay
 * per row. Unweighted kernels are generated without the weight terms, so the common
 * case pays nothing for them.
 *
 * The tied kernel uses W₁ only: it projects each row once, y = W₁ (x − μ₁), takes
 * ‖y − Pₖ‖² per component, and gathers the total scatter Σᵢ (xᵢ − μ₁)(xᵢ − μ₁)ᵀ in
 * SC's first d×d instead of one scatter per component (m-step.ts pools it).
 */
export type ExpectationKernel = (
  X: Float64Array,
  n: number,
  K: number,
  W: Float64Array,
  M: Float64Array,
  C: Float64Array,
  R: Float64Array | null,
  T: Float64Array,
  NK: Float64Array | null,
  SX: Float64Array | null,
  SC: Float64Array | null,
  LD: Float64Array | null,
  LAB: Int32Array | null,
  CERT: Float64Array | null,
  status: Int32Array,
  P: Float64Array | null,
  WT: Float64Array | null,
) => number;

/**
 * 'diagonal' when every Wₖ is diagonal (diag and spherical covariances), 'tied' when
 * they are all one W (tied).
 */
export type PrecisionShape = 'full' | 'diagonal' | 'tied';

/**
 * Up to this d the loops over dimensions are written out; beyond, they stay loops
 * (full: blocked, see blockedFullKernel). Measured at d = 30
 * (bench/engine_iteration.mjs): the tied kernel gains from unrolling (43 → 32 ms), the
 * full one loses (114 → 149 ms: its K·d² body no longer fits the registers).
 */
export const UNROLL_LIMIT = 24;
export const TIED_UNROLL_LIMIT = 32;

const cache = new Map<string, ExpectationKernel>();

/**
 * The kernel for (d, shape, weighted): the JavaScript one below, or its WebAssembly
 * twin (wasm-kernels.ts) where there is one: the unweighted unrolled kernels. Both give
 * the same bits.
 */
export function expectationKernel(
  d: number,
  shape: PrecisionShape,
  weighted = false,
): ExpectationKernel {
  const key = `${d}:${shape}:${weighted}`;
  let kernel = cache.get(key);
  if (kernel === undefined) {
    kernel = javascriptKernel(d, shape, weighted);
    const unrolled = d <= (shape === 'tied' ? TIED_UNROLL_LIMIT : UNROLL_LIMIT);
    if (unrolled && !weighted) kernel = wasmKernel(d, shape, kernel);
    cache.set(key, kernel);
  }
  return kernel;
}

/** The JavaScript kernel alone (tests and the bench compare the two). */
export function javascriptKernel(
  d: number,
  shape: PrecisionShape,
  weighted: boolean,
): ExpectationKernel {
  if (shape === 'tied') {
    return d <= TIED_UNROLL_LIMIT ? unrolledTiedKernel(d, weighted) : loopedTiedKernel(d, weighted);
  }
  if (d <= UNROLL_LIMIT) return unrolledKernel(d, shape, weighted);
  return shape === 'full' ? blockedFullKernel(d, weighted) : loopedKernel(d, shape, weighted);
}

const range = (count: number) => Array.from({ length: count }, (_, j) => j);

/** e^r by Horner's rule on EXP_TAYLOR: 1 + r * (1 + r * (0.5 + …)). */
const TAYLOR_POLYNOMIAL = EXP_TAYLOR.slice(0, -1).reduceRight(
  (inner, c) => `${c} + r * (${inner})`,
  `${EXP_TAYLOR[EXP_TAYLOR.length - 1]}`,
);

/**
 * Statements setting `e` to exp(delta) (fast-exp.ts), or 0 below NEGLIGIBLE_LOG_RATIO,
 * for generated code.
 */
const FAST_EXP = `let e = 0;
      if (delta >= ${NEGLIGIBLE_LOG_RATIO}) {
        const j = Math.floor(delta * ${64 / Math.LN2});
        const r = delta - j * ${LN2_64_HI} - j * ${LN2_64_LO};
        e = P2[(j >> 6) + 64] * EF[j & 63] * (${TAYLOR_POLYNOMIAL});
      }`;

/**
 * ℓ's running parts in a kernel: `ll` (Σ maxᵢ, or Σ wᵢ·log p(xᵢ) when weighted), and the
 * product of the rows' Σₖ exp(Tₖ − max) with the logs of earlier products. One log per
 * many rows instead of one per row: Math.log costs ~15 ns, as much as three components'
 * terms at d = 2. Each sum is in [1, K] (its largest term is exp(0) = 1), so the product
 * cannot underflow and is taken to log before it passes 1e200. Its rounding (one ulp per
 * row, ~1e-16 of ℓ per row) is far below any tolerance on ℓ. A kernel declares these
 * (ELL_START) and returns ELL_TOTAL.
 */
const ELL_START = 'let ll = 0; let logs = 0; let product = 1;';
const ELL_TOTAL = 'll + (logs + Math.log(product))';

/**
 * A kernel's body: `setup` once, then `perRow` for each row i with `o` its offset;
 * D, DD, `gather` (whether the sums are wanted) and ℓ's parts (ELL_START) are defined.
 */
function rowLoop(d: number, setup: string, perRow: string, weighted: boolean): string {
  return `
  const D = ${d};
  const DD = ${d * d};
  const gather = NK !== null;
  ${setup}
  ${ELL_START}
  for (let i = 0; i < n; i++) {
    const o = i * D;
    ${weighted ? 'const wi = WT[i];' : ''}
${perRow}
  }
  return ${ELL_TOTAL};`;
}

/** T[k] = C[k] − ½·`squaredDistance` for each component (after `setup`), and their max. */
function componentTerms(setup: string, squaredDistance: string): string {
  return `
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      ${setup}
      const t = C[k] - 0.5 * (${squaredDistance});
      T[k] = t;
      if (t > max) max = t;
    }`;
}

/**
 * The function `name(parameters) { body }` from generated code that may use
 * exponentiateTerms (its tables EF and P2 are in scope).
 */
export function compileKernel<F>(name: string, parameters: string, body: string): F {
  // Code generation is the point here: one straight-line kernel per dimension.
  const factory = new Function(
    'EF',
    'P2',
    `"use strict";\nreturn function ${name}(${parameters}) {\n${body}\n};`,
  ) as (fractions: Float64Array, powers: Float64Array) => F;
  return factory(EXP_FRACTIONS, POWERS_OF_TWO);
}

function compile(body: string): ExpectationKernel {
  return compileKernel(
    'kernel',
    'X, n, K, W, M, C, R, T, NK, SX, SC, LD, LAB, CERT, status, P, WT',
    body,
  );
}

/**
 * Generated statements for row i once T[0..K) holds its log terms and `max` their
 * largest: a row with no finite term sets status (i + 1) and returns NaN; otherwise
 * T[k] becomes exp(T[k] − max) and `total` their sum (≥ 1).
 */
export function exponentiateTerms(): string {
  return `
    if (!(max > -Infinity && max < Infinity)) { status[0] = i + 1; return NaN; }
    let total = 0;
    for (let k = 0; k < K; k++) {
      const delta = T[k] - max;
      ${FAST_EXP}
      T[k] = e;
      total += e;
    }`;
}

/**
 * The part shared by all forms: normalise T, accumulate ℓ, write R, LD, LAB and CERT;
 * `each` runs per component with r (wᵢ rᵢₖ), `accumulate` then too when gathering and
 * r ≠ 0, `perRow` once per row when gathering.
 */
function normaliseRow(accumulate: string, perRow: string, weighted: boolean, each = ''): string {
  const logLikelihood = weighted
    ? `const lse = max + Math.log(total);
    ll += wi * lse;
    if (LD !== null) LD[i] = lse;`
    : `ll += max;
    product *= total;
    if (product > 1e200) { logs += Math.log(product); product = 1; }
    if (LD !== null) LD[i] = max + Math.log(total);`;
  return `${exponentiateTerms()}
    ${logLikelihood}
    const inverse = 1 / total;
    const ro = i * K;
    let bestR = -1;
    let bestK = 0;
    for (let k = 0; k < K; k++) {
      const rk = T[k] * inverse;
      if (R !== null) R[ro + k] = rk;
      if (rk > bestR) {
        bestR = rk;
        bestK = k;
      }
      const r = ${weighted ? 'rk * wi' : 'rk'};${each}
      if (gather && r !== 0) {
        NK[k] += r;
        const m = k * D;
        const s = k * DD;
${accumulate}
      }
    }
    if (LAB !== null) LAB[i] = bestK;
    if (CERT !== null) CERT[i] = bestR;${
      perRow === ''
        ? ''
        : `
    if (gather) {
${perRow}
    }`
    }`;
}

function unrolledKernel(d: number, shape: PrecisionShape, weighted: boolean): ExpectationKernel {
  const dims = range(d);
  const loadRow = dims.map((a) => `const x${a} = X[o + ${a}];`).join(' ');
  const differences = dims.map((a) => `const d${a} = x${a} - M[m + ${a}];`).join(' ');
  const projections = dims
    .map((j) =>
      shape === 'diagonal'
        ? `const y${j} = W[w + ${j * d + j}] * d${j};`
        : `const y${j} = ${range(j + 1)
            .map((a) => `W[w + ${j * d + a}] * d${a}`)
            .join(' + ')};`,
    )
    .join('\n        ');
  const mahalanobis = dims.map((j) => `y${j} * y${j}`).join(' + ');
  const scatter =
    shape === 'diagonal'
      ? dims.map((a) => `SC[s + ${a * d + a}] += r * d${a} * d${a};`).join(' ')
      : dims
          .flatMap((a) =>
            range(d - a).map((b) => `SC[s + ${a * d + a + b}] += ra${a} * d${a + b};`),
          )
          .join(' ');
  const accumulate = `
        ${differences}
        ${dims.map((a) => `SX[m + ${a}] += r * x${a};`).join(' ')}
        ${shape === 'full' ? dims.map((a) => `const ra${a} = r * d${a};`).join(' ') : ''}
        ${scatter}`;
  return compile(
    rowLoop(
      d,
      ``,
      `    ${loadRow}
${componentTerms(
  `const m = k * D;
      const w = k * DD;
      ${differences}
      ${projections}`,
  mahalanobis,
)}${normaliseRow(accumulate, '', weighted)}`,
      weighted,
    ),
  );
}

function loopedKernel(d: number, shape: PrecisionShape, weighted: boolean): ExpectationKernel {
  const project =
    shape === 'diagonal'
      ? `for (let j = 0; j < D; j++) { const y = W[w + j * D + j] * (X[o + j] - M[m + j]); q += y * y; }`
      : `for (let a = 0; a < D; a++) diff[a] = X[o + a] - M[m + a];
      for (let j = 0; j < D; j++) {
        const row = w + j * D;
        let y = 0;
        for (let a = 0; a <= j; a++) y += W[row + a] * diff[a];
        q += y * y;
      }`;
  const accumulate = `
        for (let a = 0; a < D; a++) { diff[a] = X[o + a] - M[m + a]; SX[m + a] += r * X[o + a]; }
        ${
          shape === 'diagonal'
            ? 'for (let a = 0; a < D; a++) SC[s + a * D + a] += r * diff[a] * diff[a];'
            : `for (let a = 0; a < D; a++) {
          const ra = r * diff[a];
          const row = s + a * D;
          for (let b = a; b < D; b++) SC[row + b] += ra * diff[b];
        }`
        }`;
  return compile(
    rowLoop(
      d,
      `  const diff = new Float64Array(D);
`,
      `${componentTerms(
        `const m = k * D;
      const w = k * DD;
      let q = 0;
      ${project}`,
        'q',
      )}${normaliseRow(accumulate, '', weighted)}`,
      weighted,
    ),
  );
}

/** Tied, d ≤ TIED_UNROLL_LIMIT: one projection per row, d per component (see the header). */
function unrolledTiedKernel(d: number, weighted: boolean): ExpectationKernel {
  const dims = range(d);
  const centred = dims.map((a) => `const e${a} = X[o + ${a}] - M[${a}];`).join(' ');
  const projections = dims
    .map(
      (j) =>
        `const y${j} = ${range(j + 1)
          .map((a) => `W[${j * d + a}] * e${a}`)
          .join(' + ')};`,
    )
    .join('\n    ');
  const distance = dims.map((j) => `(y${j} - P[p + ${j}]) * (y${j} - P[p + ${j}])`).join(' + ');
  const accumulate = dims.map((a) => `SX[m + ${a}] += r * X[o + ${a}];`).join(' ');
  const totalScatter = dims
    .flatMap((a) =>
      range(d - a).map(
        (b) => `SC[${a * d + a + b}] += ${weighted ? 'wi * ' : ''}e${a} * e${a + b};`,
      ),
    )
    .join(' ');
  return compile(
    rowLoop(
      d,
      ``,
      `    ${centred}
    ${projections}
${componentTerms('const p = k * D;', distance)}${normaliseRow(`        ${accumulate}`, `      ${totalScatter}`, weighted)}`,
      weighted,
    ),
  );
}

/** Tied, d > TIED_UNROLL_LIMIT: the same with loops. */
function loopedTiedKernel(d: number, weighted: boolean): ExpectationKernel {
  return compile(
    rowLoop(
      d,
      `  const ec = new Float64Array(D);
  const y = new Float64Array(D);
`,
      `    for (let a = 0; a < D; a++) ec[a] = X[o + a] - M[a];
    for (let j = 0; j < D; j++) {
      const row = j * D;
      let s = 0;
      for (let a = 0; a <= j; a++) s += W[row + a] * ec[a];
      y[j] = s;
    }
${componentTerms(
  `const p = k * D;
      let q = 0;
      for (let j = 0; j < D; j++) { const u = y[j] - P[p + j]; q += u * u; }`,
  'q',
)}${normaliseRow(
        `        for (let a = 0; a < D; a++) SX[m + a] += r * X[o + a];`,
        `      for (let a = 0; a < D; a++) {
        const ea = ${weighted ? 'wi * ' : ''}ec[a];
        const row = a * D;
        for (let b = a; b < D; b++) SC[row + b] += ea * ec[b];
      }`,
        weighted,
      )}`,
      weighted,
    ),
  );
}

/** Rows per group of the blocked full kernel's triangular solves (the registers' worth). */
const SOLVE_ROWS = 4;
/** Rows per block of the blocked full kernel: its terms, then its sums, component by component. */
const SCATTER_ROWS = 64;

/**
 * Full covariances, d > UNROLL_LIMIT: the rows in blocks of SCATTER_ROWS, in three
 * passes per block, each sum taken in the same order as row by row (same bits as the
 * per-row loop: every element still gets its terms one row after the other).
 *
 * 1. Terms. For each component, the rows in groups of SOLVE_ROWS against one factor:
 *    DB (d×SOLVE_ROWS, column r the group's row r minus μₖ) and y = Wₖ·DB two rows of
 *    Wₖ at a time, so each loaded factor entry serves 4 rows and each loaded DB entry
 *    2 factor rows (8 independent sums in registers; measured at d = 30, K = 8: the
 *    solves took 44 ms per 20k rows instead of 95). A short last group computes on
 *    the previous group's leftovers and stores only its own rows.
 * 2. Per row: log-sum-exp, the outputs, Nₖ; TB (SCATTER_ROWS×K) keeps each r (wᵢ rᵢₖ).
 * 3. Per component, the block's rows with r ≠ 0 copied into CD (their x − μₖ) and CR
 *    (r·(x − μₖ)), d×SCATTER_ROWS, then the scatter's upper triangle as a rank-c update
 *    in 2×4 tiles (2×2 on the diagonal and the last columns): up to eight running sums, each SC entry loaded and stored once per block
 *    instead of once per row.
 */
export function blockedFullKernel(d: number, weighted: boolean): ExpectationKernel {
  const rows = range(SOLVE_ROWS);
  const each = (statement: (r: number) => string) => rows.map(statement).join(' ');
  return compile(`
  const D = ${d};
  const DD = ${d * d};
  const G = ${SOLVE_ROWS};
  const B = ${SCATTER_ROWS};
  const gather = NK !== null;
  const DB = new Float64Array(D * G);
  const TB = new Float64Array(B * K);
  const CD = new Float64Array(D * B);
  const CR = new Float64Array(D * B);
  ${ELL_START}
  for (let i0 = 0; i0 < n; i0 += B) {
    const nb = Math.min(B, n - i0);
    for (let g = 0; g < nb; g += G) {
      const ng = Math.min(G, nb - g);
      for (let k = 0; k < K; k++) {
        const m = k * D;
        const w = k * DD;
        for (let r = 0; r < ng; r++) {
          const o = (i0 + g + r) * D;
          for (let a = 0; a < D; a++) DB[a * G + r] = X[o + a] - M[m + a];
        }
        ${each((r) => `let q${r} = 0;`)}
        let j = 0;
        for (; j + 1 < D; j += 2) {
          const row = w + j * D;
          ${each((r) => `let y${r} = 0; let z${r} = 0;`)}
          let a = 0;
          for (; a <= j; a++) {
            const u = W[row + a];
            const v = W[row + D + a];
            const h = a * G;
            ${each((r) => `const t${r} = DB[h + ${r}]; y${r} += u * t${r}; z${r} += v * t${r};`)}
          }
          // W[j+1, j+1]: the second row's last entry (a = j + 1 here)
          const last = W[row + D + a];
          const h = a * G;
          ${each((r) => `z${r} += last * DB[h + ${r}];`)}
          ${each((r) => `q${r} += y${r} * y${r}; q${r} += z${r} * z${r};`)}
        }
        if (j < D) {
          const row = w + j * D;
          ${each((r) => `let y${r} = 0;`)}
          for (let a = 0; a <= j; a++) {
            const u = W[row + a];
            const h = a * G;
            ${each((r) => `y${r} += u * DB[h + ${r}];`)}
          }
          ${each((r) => `q${r} += y${r} * y${r};`)}
        }
        const c = C[k];
        const tb = g * K + k;
        ${each((r) => (r === 0 ? `TB[tb] = c - 0.5 * q0;` : `if (${r} < ng) TB[tb + ${r} * K] = c - 0.5 * q${r};`))}
      }
    }
    for (let b = 0; b < nb; b++) {
      const i = i0 + b;
      ${weighted ? 'const wi = WT[i];' : ''}
      const tb = b * K;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        const t = TB[tb + k];
        T[k] = t;
        if (t > max) max = t;
      }
${normaliseRow('', '', weighted, `\n      TB[tb + k] = r;`)}
    }
    if (!gather) continue;
    for (let k = 0; k < K; k++) {
      const m = k * D;
      let c = 0;
      for (let r = 0; r < nb; r++) {
        const rr = TB[r * K + k];
        if (rr === 0) continue;
        const o = (i0 + r) * D;
        for (let a = 0; a < D; a++) {
          const x = X[o + a];
          const f = x - M[m + a];
          SX[m + a] += rr * x;
          CD[a * B + c] = f;
          CR[a * B + c] = rr * f;
        }
        c++;
      }
      if (c === 0) continue;
      const s = k * DD;
      for (let a = 0; a < D; a += 2) {
        const p = a * B;
        const e = s + a * D;
        if (a + 1 === D) {
          let s00 = SC[e + a];
          for (let t = 0; t < c; t++) s00 += CR[p + t] * CD[p + t];
          SC[e + a] = s00;
          break;
        }
        const p1 = p + B;
        let s00 = SC[e + a];
        let s01 = SC[e + a + 1];
        let s11 = SC[e + D + a + 1];
        for (let t = 0; t < c; t++) {
          const u0 = CR[p + t];
          const v1 = CD[p1 + t];
          s00 += u0 * CD[p + t];
          s01 += u0 * v1;
          s11 += CR[p1 + t] * v1;
        }
        SC[e + a] = s00;
        SC[e + a + 1] = s01;
        SC[e + D + a + 1] = s11;
        let b = a + 2;
        for (; b + 3 < D; b += 4) {
          const q = b * B;
          const f0 = e + b;
          const f1 = f0 + D;
          let s00 = SC[f0];
          let s01 = SC[f0 + 1];
          let s02 = SC[f0 + 2];
          let s03 = SC[f0 + 3];
          let s10 = SC[f1];
          let s11 = SC[f1 + 1];
          let s12 = SC[f1 + 2];
          let s13 = SC[f1 + 3];
          for (let t = 0; t < c; t++) {
            const u0 = CR[p + t];
            const u1 = CR[p1 + t];
            const v0 = CD[q + t];
            const v1 = CD[q + B + t];
            const v2 = CD[q + 2 * B + t];
            const v3 = CD[q + 3 * B + t];
            s00 += u0 * v0;
            s01 += u0 * v1;
            s02 += u0 * v2;
            s03 += u0 * v3;
            s10 += u1 * v0;
            s11 += u1 * v1;
            s12 += u1 * v2;
            s13 += u1 * v3;
          }
          SC[f0] = s00;
          SC[f0 + 1] = s01;
          SC[f0 + 2] = s02;
          SC[f0 + 3] = s03;
          SC[f1] = s10;
          SC[f1 + 1] = s11;
          SC[f1 + 2] = s12;
          SC[f1 + 3] = s13;
        }
        for (; b + 1 < D; b += 2) {
          const q = b * B;
          const q1 = q + B;
          let s0b = SC[e + b];
          let s0c = SC[e + b + 1];
          let s1b = SC[e + D + b];
          let s1c = SC[e + D + b + 1];
          for (let t = 0; t < c; t++) {
            const u0 = CR[p + t];
            const u1 = CR[p1 + t];
            const vb = CD[q + t];
            const vc = CD[q1 + t];
            s0b += u0 * vb;
            s0c += u0 * vc;
            s1b += u1 * vb;
            s1c += u1 * vc;
          }
          SC[e + b] = s0b;
          SC[e + b + 1] = s0c;
          SC[e + D + b] = s1b;
          SC[e + D + b + 1] = s1c;
        }
        if (b < D) {
          const q = b * B;
          let s0b = SC[e + b];
          let s1b = SC[e + D + b];
          for (let t = 0; t < c; t++) {
            const vb = CD[q + t];
            s0b += CR[p + t] * vb;
            s1b += CR[p1 + t] * vb;
          }
          SC[e + b] = s0b;
          SC[e + D + b] = s1b;
        }
      }
    }
  }
  return ${ELL_TOTAL};`);
}
