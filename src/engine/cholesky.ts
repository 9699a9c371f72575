/**
 * The Cholesky factor L (lower, row-major d×d in `lower`) of the symmetric matrix at
 * `matrix[offset…]`, read from its lower triangle: the Cholesky–Banachiewicz order of
 * ml-matrix's CholeskyDecomposition (so the same bits), on flat arrays since it runs
 * per component per EM step. False when the matrix is not positive definite.
 */
export function choleskyLower(
  matrix: Float64Array,
  offset: number,
  d: number,
  lower: Float64Array,
): boolean {
  let positiveDefinite = true;
  for (let j = 0; j < d; j++) {
    let diagonal = 0;
    for (let k = 0; k < j; k++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += lower[k * d + i] * lower[j * d + i];
      s = (matrix[offset + j * d + k] - s) / lower[k * d + k];
      lower[j * d + k] = s;
      diagonal = diagonal + s * s;
    }
    diagonal = matrix[offset + j * d + j] - diagonal;
    positiveDefinite &&= diagonal > 0;
    lower[j * d + j] = Math.sqrt(Math.max(diagonal, 0));
    for (let k = j + 1; k < d; k++) lower[j * d + k] = 0;
  }
  return positiveDefinite;
}
