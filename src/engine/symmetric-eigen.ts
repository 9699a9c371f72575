/**
 * Eigen-decomposition of a small symmetric matrix on flat arrays: Householder
 * tridiagonalisation then the implicit QL algorithm (tred2 and tql2 of EISPACK, by way
 * of JAMA), the same arithmetic, in the same order, as ml-matrix's
 * EigenvalueDecomposition with assumeSymmetric, so the two agree bit for bit. Written
 * out here because the M-steps of mclust's models, the degeneracy rules and the
 * split moves decompose a d×d matrix per component per EM step: ml-matrix's Matrix
 * objects, its copies and its boxed eigenvalue arrays cost more than the arithmetic at
 * small d (a third of a 14-model sweep on faithful's 272 rows went to them).
 *
 * Storage: `vectors` is n×n row-major and holds, while the algorithm runs, the
 * transpose of JAMA's V (JAMA walks V down its columns, which are rows here); on
 * return row j is the eigenvector of `values[j]`.
 */

/** Scratch of one decomposition of size n: the off-diagonal of the tridiagonal form. */
export function eigenScratch(n: number): Float64Array {
  return new Float64Array(n);
}

/**
 * Decomposes the symmetric n×n matrix at `matrix[offset…]` (row-major; only read).
 * Writes the eigenvalues in ascending order to `values` (n) and, in row j of
 * `vectors` (n×n), a unit eigenvector of values[j]. `scratch` (n) is overwritten.
 */
export function symmetricEigenDecomposition(
  matrix: Float64Array,
  offset: number,
  n: number,
  values: Float64Array,
  vectors: Float64Array,
  scratch: Float64Array,
): void {
  // vectors[j·n + i] = A(i, j): JAMA's V stored transposed.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) vectors[j * n + i] = matrix[offset + i * n + j];
  }
  tridiagonalise(n, scratch, values, vectors);
  diagonalise(n, scratch, values, vectors);
}

/** tred2: Householder reduction to tridiagonal form (d the diagonal, e the off-diagonal). */
function tridiagonalise(n: number, e: Float64Array, d: Float64Array, v: Float64Array): void {
  // v[r·n + c] plays JAMA's V.get(r, c) of ml-matrix's transposed storage.
  for (let j = 0; j < n; j++) d[j] = v[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale = scale + Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + i - 1];
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h = h - f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[i * n + j] = f;
        g = e[j] + v[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[j * n + k] * d[k];
          e[k] += v[j * n + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[j * n + k] = v[j * n + k] - (f * e[k] + g * d[k]);
        d[j] = v[j * n + i - 1];
        v[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[i * n + n - 1] = v[i * n + i];
    v[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[(i + 1) * n + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[(i + 1) * n + k] * v[j * n + k];
        for (let k = 0; k <= i; k++) v[j * n + k] = v[j * n + k] - g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[j * n + n - 1];
    v[j * n + n - 1] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** tql2: the implicit QL iterations on the tridiagonal form, then an ascending sort. */
function diagonalise(n: number, e: Float64Array, d: Float64Array, v: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypotenuse(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f = f + h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypotenuse(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            h = v[(i + 1) * n + k];
            v[(i + 1) * n + k] = s * v[i * n + k] + c * h;
            v[i * n + k] = c * v[i * n + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      for (let j = 0; j < n; j++) {
        p = v[i * n + j];
        v[i * n + j] = v[k * n + j];
        v[k * n + j] = p;
      }
    }
  }
}

/** √(a² + b²) without overflow (JAMA's hypot; ml-matrix's, so the SVD uses it too). */
export function hypotenuse(a: number, b: number): number {
  if (Math.abs(a) > Math.abs(b)) {
    const r = b / a;
    return Math.abs(a) * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    const r = a / b;
    return Math.abs(b) * Math.sqrt(1 + r * r);
  }
  return 0;
}
