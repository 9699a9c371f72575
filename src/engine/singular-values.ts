import { hypotenuse } from './symmetric-eigen.js';

/**
 * Singular value decomposition of a small square matrix on flat arrays: Golub–Kahan
 * bidiagonalisation then implicit-shift QR (LINPACK's dsvdc by way of JAMA), the same
 * arithmetic, in the same order, as ml-matrix's SingularValueDecomposition (6.x, with
 * its transposed working storage), so the two agree bit for bit. Written out here for
 * the same reason as symmetric-eigen.ts: EVE's and VVE's M-steps take one d×d SVD per
 * inner iteration (common-orientation.ts), thousands per sweep, where ml-matrix's
 * Matrix objects cost more than the arithmetic; and loading ml-matrix cost a select-k
 * run ~25 ms before any work.
 *
 * Storage (each d×d, row-major): `transposed` is the working copy Aᵀ (JAMA's A walked
 * down its columns, which are rows here); `leftT` and `rightT` hold Uᵀ and Vᵀ, row j the
 * j-th left and right singular vector, as ml-matrix accumulates them before its final
 * transposes.
 */

/** Working arrays of one decomposition of size d. */
export interface SvdScratch {
  readonly transposed: Float64Array;
  readonly offDiagonal: Float64Array;
  readonly work: Float64Array;
}

export function svdScratch(d: number): SvdScratch {
  return {
    transposed: new Float64Array(d * d),
    offDiagonal: new Float64Array(d),
    work: new Float64Array(d),
  };
}

/**
 * A = U S Vᵀ for the d×d matrix `a` (row-major, only read): the singular values,
 * descending, to `singular` (d); Uᵀ to `leftT` and Vᵀ to `rightT` (d×d each, row j the
 * j-th singular vector). `scratch` from svdScratch(d) is overwritten.
 */
export function squareSvd(
  a: Float64Array,
  d: number,
  singular: Float64Array,
  leftT: Float64Array,
  rightT: Float64Array,
  scratch: SvdScratch,
): void {
  // ml-matrix's variables: the m×n matrix with m = n = d.
  const m = d;
  const n = d;
  const at = scratch.transposed;
  const e = scratch.offDiagonal;
  const work = scratch.work;
  const s = singular;
  const U = leftT;
  const V = rightT;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j];
  s.fill(0);
  e.fill(0);
  work.fill(0);
  U.fill(0);
  V.fill(0);
  const nu = Math.min(m, n);
  const nct = Math.min(m - 1, n);
  const nrt = Math.max(0, Math.min(n - 2, m));
  const mrc = Math.max(nct, nrt);

  // Householder reduction to bidiagonal form: s the diagonal, e the superdiagonal.
  for (let k = 0; k < mrc; k++) {
    if (k < nct) {
      s[k] = 0;
      for (let i = k; i < m; i++) s[k] = hypotenuse(s[k], at[k * m + i]);
      if (s[k] !== 0) {
        if (at[k * m + k] < 0) s[k] = -s[k];
        for (let i = k; i < m; i++) at[k * m + i] = at[k * m + i] / s[k];
        at[k * m + k] = at[k * m + k] + 1;
      }
      s[k] = -s[k];
    }
    for (let j = k + 1; j < n; j++) {
      if (k < nct && s[k] !== 0) {
        let t = 0;
        for (let i = k; i < m; i++) t += at[k * m + i] * at[j * m + i];
        t = -t / at[k * m + k];
        for (let i = k; i < m; i++) at[j * m + i] = at[j * m + i] + t * at[k * m + i];
      }
      e[j] = at[j * m + k];
    }
    if (k < nct) {
      for (let i = k; i < m; i++) U[k * m + i] = at[k * m + i];
    }
    if (k < nrt) {
      e[k] = 0;
      for (let i = k + 1; i < n; i++) e[k] = hypotenuse(e[k], e[i]);
      if (e[k] !== 0) {
        if (e[k + 1] < 0) e[k] = 0 - e[k];
        for (let i = k + 1; i < n; i++) e[i] /= e[k];
        e[k + 1] += 1;
      }
      e[k] = -e[k];
      if (k + 1 < m && e[k] !== 0) {
        for (let i = k + 1; i < m; i++) work[i] = 0;
        for (let i = k + 1; i < m; i++) {
          for (let j = k + 1; j < n; j++) work[i] += e[j] * at[j * m + i];
        }
        for (let j = k + 1; j < n; j++) {
          const t = -e[j] / e[k + 1];
          for (let i = k + 1; i < m; i++) at[j * m + i] = at[j * m + i] + t * work[i];
        }
      }
      for (let i = k + 1; i < n; i++) V[k * n + i] = e[i];
    }
  }

  let p = Math.min(n, m + 1);
  if (nct < n) s[nct] = at[nct * m + nct];
  if (m < p) s[p - 1] = 0;
  if (nrt + 1 < p) e[nrt] = at[(p - 1) * m + nrt];
  e[p - 1] = 0;

  // U and V from the Householder vectors.
  for (let j = nct; j < nu; j++) {
    for (let i = 0; i < m; i++) U[j * m + i] = 0;
    U[j * m + j] = 1;
  }
  for (let k = nct - 1; k >= 0; k--) {
    if (s[k] !== 0) {
      for (let j = k + 1; j < nu; j++) {
        let t = 0;
        for (let i = k; i < m; i++) t += U[k * m + i] * U[j * m + i];
        t = -t / U[k * m + k];
        for (let i = k; i < m; i++) U[j * m + i] = U[j * m + i] + t * U[k * m + i];
      }
      for (let i = k; i < m; i++) U[k * m + i] = -U[k * m + i];
      U[k * m + k] = 1 + U[k * m + k];
      for (let i = 0; i < k - 1; i++) U[k * m + i] = 0;
    } else {
      for (let i = 0; i < m; i++) U[k * m + i] = 0;
      U[k * m + k] = 1;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    if (k < nrt && e[k] !== 0) {
      for (let j = k + 1; j < n; j++) {
        let t = 0;
        for (let i = k + 1; i < n; i++) t += V[k * n + i] * V[j * n + i];
        t = -t / V[k * n + k + 1];
        for (let i = k + 1; i < n; i++) V[j * n + i] = V[j * n + i] + t * V[k * n + i];
      }
    }
    for (let i = 0; i < n; i++) V[k * n + i] = 0;
    V[k * n + k] = 1;
  }

  // Implicit-shift QR on the bidiagonal form.
  const pp = p - 1;
  const eps = Number.EPSILON;
  while (p > 0) {
    let k: number;
    let kase: number;
    for (k = p - 2; k >= -1; k--) {
      if (k === -1) break;
      const alpha = Number.MIN_VALUE + eps * Math.abs(s[k] + Math.abs(s[k + 1]));
      if (Math.abs(e[k]) <= alpha || Number.isNaN(e[k])) {
        e[k] = 0;
        break;
      }
    }
    if (k === p - 2) {
      kase = 4;
    } else {
      let ks: number;
      for (ks = p - 1; ks >= k; ks--) {
        if (ks === k) break;
        const t = (ks !== p ? Math.abs(e[ks]) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]) : 0);
        if (Math.abs(s[ks]) <= eps * t) {
          s[ks] = 0;
          break;
        }
      }
      if (ks === k) {
        kase = 3;
      } else if (ks === p - 1) {
        kase = 1;
      } else {
        kase = 2;
        k = ks;
      }
    }
    k++;

    switch (kase) {
      case 1: {
        // Deflate negligible s[p−1].
        let f = e[p - 2];
        e[p - 2] = 0;
        for (let j = p - 2; j >= k; j--) {
          let t = hypotenuse(s[j], f);
          const cs = s[j] / t;
          const sn = f / t;
          s[j] = t;
          if (j !== k) {
            f = -sn * e[j - 1];
            e[j - 1] = cs * e[j - 1];
          }
          for (let i = 0; i < n; i++) {
            t = cs * V[j * n + i] + sn * V[(p - 1) * n + i];
            V[(p - 1) * n + i] = -sn * V[j * n + i] + cs * V[(p - 1) * n + i];
            V[j * n + i] = t;
          }
        }
        break;
      }
      case 2: {
        // Split at negligible s[k].
        let f = e[k - 1];
        e[k - 1] = 0;
        for (let j = k; j < p; j++) {
          let t = hypotenuse(s[j], f);
          const cs = s[j] / t;
          const sn = f / t;
          s[j] = t;
          f = -sn * e[j];
          e[j] = cs * e[j];
          for (let i = 0; i < m; i++) {
            t = cs * U[j * m + i] + sn * U[(k - 1) * m + i];
            U[(k - 1) * m + i] = -sn * U[j * m + i] + cs * U[(k - 1) * m + i];
            U[j * m + i] = t;
          }
        }
        break;
      }
      case 3: {
        // One QR step.
        const scale = Math.max(
          Math.abs(s[p - 1]),
          Math.abs(s[p - 2]),
          Math.abs(e[p - 2]),
          Math.abs(s[k]),
          Math.abs(e[k]),
        );
        const sp = s[p - 1] / scale;
        const spm1 = s[p - 2] / scale;
        const epm1 = e[p - 2] / scale;
        const sk = s[k] / scale;
        const ek = e[k] / scale;
        const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
        const c = sp * epm1 * (sp * epm1);
        let shift = 0;
        if (b !== 0 || c !== 0) {
          if (b < 0) {
            shift = 0 - Math.sqrt(b * b + c);
          } else {
            shift = Math.sqrt(b * b + c);
          }
          shift = c / (b + shift);
        }
        let f = (sk + sp) * (sk - sp) + shift;
        let g = sk * ek;
        for (let j = k; j < p - 1; j++) {
          let t = hypotenuse(f, g);
          if (t === 0) t = Number.MIN_VALUE;
          let cs = f / t;
          let sn = g / t;
          if (j !== k) e[j - 1] = t;
          f = cs * s[j] + sn * e[j];
          e[j] = cs * e[j] - sn * s[j];
          g = sn * s[j + 1];
          s[j + 1] = cs * s[j + 1];
          for (let i = 0; i < n; i++) {
            t = cs * V[j * n + i] + sn * V[(j + 1) * n + i];
            V[(j + 1) * n + i] = -sn * V[j * n + i] + cs * V[(j + 1) * n + i];
            V[j * n + i] = t;
          }
          t = hypotenuse(f, g);
          if (t === 0) t = Number.MIN_VALUE;
          cs = f / t;
          sn = g / t;
          s[j] = t;
          f = cs * e[j] + sn * s[j + 1];
          s[j + 1] = -sn * e[j] + cs * s[j + 1];
          g = sn * e[j + 1];
          e[j + 1] = cs * e[j + 1];
          if (j < m - 1) {
            for (let i = 0; i < m; i++) {
              t = cs * U[j * m + i] + sn * U[(j + 1) * m + i];
              U[(j + 1) * m + i] = -sn * U[j * m + i] + cs * U[(j + 1) * m + i];
              U[j * m + i] = t;
            }
          }
        }
        e[p - 2] = f;
        break;
      }
      case 4: {
        // Convergence: make s[k] non-negative, then sort it into place.
        if (s[k] <= 0) {
          s[k] = s[k] < 0 ? -s[k] : 0;
          for (let i = 0; i <= pp; i++) V[k * n + i] = -V[k * n + i];
        }
        while (k < pp) {
          if (s[k] >= s[k + 1]) break;
          let t = s[k];
          s[k] = s[k + 1];
          s[k + 1] = t;
          if (k < n - 1) {
            for (let i = 0; i < n; i++) {
              t = V[(k + 1) * n + i];
              V[(k + 1) * n + i] = V[k * n + i];
              V[k * n + i] = t;
            }
          }
          if (k < m - 1) {
            for (let i = 0; i < m; i++) {
              t = U[(k + 1) * m + i];
              U[(k + 1) * m + i] = U[k * m + i];
              U[k * m + i] = t;
            }
          }
          k++;
        }
        p--;
        break;
      }
    }
  }
}
