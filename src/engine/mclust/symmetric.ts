import { choleskyLower } from '../cholesky.js';
import { squareSvd, svdScratch, type SvdScratch } from '../singular-values.js';
import { symmetricEigenDecomposition } from '../symmetric-eigen.js';

/** Eigenvalues (d, descending) and eigenvectors (d×d row-major, column j = vector j). */
export interface Eigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

/** The eigen-decomposition of the symmetric d×d matrix at `offset`, largest first. */
export function symmetricEigen(values: Float64Array, offset: number, d: number): Eigen {
  for (let e = 0; e < d * d; e++) {
    // A failed estimate (0/0): NaN eigenvalues, which every caller treats as failure.
    if (!Number.isFinite(values[offset + e])) {
      const identity = new Float64Array(d * d);
      for (let a = 0; a < d; a++) identity[a * d + a] = 1;
      return { values: new Float64Array(d).fill(NaN), vectors: identity };
    }
  }
  // Ascending eigenvalues and their vectors as rows: scratch, copied out below.
  const raw = scratchArray('eigen values', d);
  const rows = scratchArray('eigen rows', d * d);
  symmetricEigenDecomposition(values, offset, d, raw, rows, scratchArray('eigen off-diagonal', d));
  // Descending: `raw` is ascending, so walk it from the end; a run of equal eigenvalues
  // keeps the decomposition's order (lower index first).
  const outValues = new Float64Array(d);
  const outVectors = new Float64Array(d * d);
  let j = 0;
  for (let end = d; end > 0;) {
    let begin = end - 1;
    while (begin > 0 && raw[begin - 1] === raw[end - 1]) begin--;
    for (let source = begin; source < end; source++, j++) {
      outValues[j] = raw[source];
      for (let a = 0; a < d; a++) outVectors[a * d + j] = rows[source * d + a];
    }
    end = begin;
  }
  return { values: outValues, vectors: outVectors };
}

/** symmetricEigen(values, offset, d).values[0] (NaN for a failed estimate), without building the decomposition's result. */
export function largestEigenvalue(values: Float64Array, offset: number, d: number): number {
  for (let e = 0; e < d * d; e++) if (!Number.isFinite(values[offset + e])) return NaN;
  const raw = scratchArray('eigen values', d);
  symmetricEigenDecomposition(
    values,
    offset,
    d,
    raw,
    scratchArray('eigen rows', d * d),
    scratchArray('eigen off-diagonal', d),
  );
  // Ascending: the largest is the last.
  return raw[d - 1];
}

/** Scratch of nearestOrthogonal (one size at a time: d is fixed within a fit). */
let svd:
  | {
      d: number;
      singular: Float64Array;
      leftT: Float64Array;
      rightT: Float64Array;
      work: SvdScratch;
    }
  | undefined;

/** The orthogonal D maximising tr(Dᵀ G) (G d×d): U Vᵀ from G = U S Vᵀ. */
export function nearestOrthogonal(g: Float64Array, d: number): Float64Array {
  if (svd === undefined || svd.d !== d) {
    svd = {
      d,
      singular: new Float64Array(d),
      leftT: new Float64Array(d * d),
      rightT: new Float64Array(d * d),
      work: svdScratch(d),
    };
  }
  const { singular, leftT, rightT, work } = svd;
  squareSvd(g, d, singular, leftT, rightT, work);
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += leftT[j * d + a] * rightT[j * d + b];
      out[a * d + b] = s;
    }
  }
  return out;
}

/** dⱼᵀ S dⱼ for each column dⱼ of D: the diagonal of Dᵀ S D (S d×d at `offset`), to out[outOffset…] (d). */
export function rotatedDiagonal(
  s: Float64Array,
  offset: number,
  rotation: Float64Array,
  d: number,
  out: Float64Array,
  outOffset: number,
): void {
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let a = 0; a < d; a++) {
      let row = 0;
      for (let b = 0; b < d; b++) row += s[offset + a * d + b] * rotation[b * d + j];
      sum += rotation[a * d + j] * row;
    }
    out[outOffset + j] = sum;
  }
}

/** out (d×d at `offset`) = scale · D diag(values) Dᵀ. */
export function writeRotated(
  rotation: Float64Array,
  values: Float64Array,
  scale: number,
  out: Float64Array,
  offset: number,
  d: number,
): void {
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += rotation[a * d + j] * values[j] * rotation[b * d + j];
      out[offset + a * d + b] = scale * s;
      out[offset + b * d + a] = scale * s;
    }
  }
}

/** exp(mean of log): the count-th root of a product, without its overflow (values[offset…], count; all of `values` by default). */
export function geometricMean(values: Float64Array, offset = 0, count = values.length): number {
  let sum = 0;
  for (let e = offset; e < offset + count; e++) sum += Math.log(values[e]);
  return Math.exp(sum / count);
}

/** |Σ|^(1/d) of the symmetric d×d matrix at `offset`, by its Cholesky factor; NaN when not positive definite. */
export function determinantRoot(values: Float64Array, offset: number, d: number): number {
  // choleskyLower writes every entry of the factor, so a scratch array serves
  const factor = scratchArray('determinant-root factor', d * d);
  if (!choleskyLower(values, offset, d, factor)) return NaN;
  let logDet = 0;
  for (let j = 0; j < d; j++) logDet += Math.log(factor[j * d + j]);
  return Math.exp((2 * logDet) / d);
}

/**
 * Scratch arrays of the M-steps by name (each a caller's own), reallocated only when the size asked for changes: an EM run
 * makes thousands of M-steps of one (K, d), and a typed array of more than 64 bytes is
 * a separate allocation the garbage collector has to sweep. Every use overwrites its
 * contents before reading them.
 */
const scratch = new Map<string, Float64Array>();
export function scratchArray(name: string, length: number): Float64Array {
  let array = scratch.get(name);
  if (array === undefined || array.length !== length) {
    array = new Float64Array(length);
    scratch.set(name, array);
  }
  return array;
}
