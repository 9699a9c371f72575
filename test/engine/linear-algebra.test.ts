import {
  CholeskyDecomposition,
  EigenvalueDecomposition,
  Matrix,
  SingularValueDecomposition,
} from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { choleskyLower } from '../../src/engine/cholesky.js';
import { Random } from '../../src/engine/random.js';
import { squareSvd, svdScratch } from '../../src/engine/singular-values.js';
import { eigenScratch, symmetricEigenDecomposition } from '../../src/engine/symmetric-eigen.js';

/** A random symmetric d×d matrix (row-major), positive definite when `definite`. */
function randomSymmetric(random: Random, d: number, definite: boolean): Float64Array {
  const g = Float64Array.from({ length: d * d }, () => random.nextNormal());
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      if (definite) for (let j = 0; j < d; j++) s += g[a * d + j] * g[b * d + j];
      else s = g[a * d + b];
      out[a * d + b] = s + (definite && a === b ? 0.1 : 0);
      out[b * d + a] = out[a * d + b];
    }
  }
  return out;
}

const toMatrix = (values: Float64Array, d: number) =>
  new Matrix(Array.from({ length: d }, (_, a) => Array.from(values.subarray(a * d, a * d + d))));

describe('symmetricEigenDecomposition', () => {
  it.each([1, 2, 3, 5, 13, 30])('d=%i: A v = λ v, orthonormal rows, ascending', (d) => {
    const random = new Random(7, d);
    const a = randomSymmetric(random, d, false);
    const values = new Float64Array(d);
    const vectors = new Float64Array(d * d);
    symmetricEigenDecomposition(a, 0, d, values, vectors, eigenScratch(d));
    let norm = 0;
    for (const x of a) norm = Math.max(norm, Math.abs(x));
    for (let j = 0; j < d; j++) {
      if (j > 0) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
      for (let r = 0; r < d; r++) {
        let av = 0;
        for (let c = 0; c < d; c++) av += a[r * d + c] * vectors[j * d + c];
        expect(Math.abs(av - values[j] * vectors[j * d + r])).toBeLessThan(1e-12 * d * norm);
      }
      for (let i = 0; i <= j; i++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += vectors[i * d + c] * vectors[j * d + c];
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-13 * d);
      }
    }
  });

  it('gives the bits of ml-matrix (the same EISPACK arithmetic), at an offset', () => {
    const random = new Random(8);
    for (const d of [2, 4, 9, 30]) {
      const a = randomSymmetric(random, d, true);
      const padded = new Float64Array(d * d + 3);
      padded.set(a, 3);
      const values = new Float64Array(d);
      const vectors = new Float64Array(d * d);
      symmetricEigenDecomposition(padded, 3, d, values, vectors, eigenScratch(d));
      const theirs = new EigenvalueDecomposition(toMatrix(a, d), { assumeSymmetric: true });
      expect(Array.from(values)).toEqual(theirs.realEigenvalues);
      for (let j = 0; j < d; j++) {
        expect(Array.from(vectors.subarray(j * d, j * d + d))).toEqual(
          theirs.eigenvectorMatrix.getColumn(j),
        );
      }
    }
  });

  it('diagonal and repeated eigenvalues', () => {
    const a = Float64Array.from([2, 0, 0, 0, 2, 0, 0, 0, 5]);
    const values = new Float64Array(3);
    const vectors = new Float64Array(9);
    symmetricEigenDecomposition(a, 0, 3, values, vectors, eigenScratch(3));
    expect(Array.from(values)).toEqual([2, 2, 5]);
    expect(Math.abs(vectors[2 * 3 + 2])).toBe(1);
  });
});

describe('choleskyLower', () => {
  it.each([1, 2, 6, 30])('d=%i: L Lᵀ = A, the bits of ml-matrix', (d) => {
    const a = randomSymmetric(new Random(9, d), d, true);
    const lower = new Float64Array(d * d);
    expect(choleskyLower(a, 0, d, lower)).toBe(true);
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += lower[r * d + j] * lower[c * d + j];
        expect(Math.abs(s - a[r * d + c])).toBeLessThan(
          1e-12 * d * Math.max(1, Math.abs(a[r * d + c])),
        );
        if (c > r) expect(lower[r * d + c]).toBe(0);
      }
    }
    const theirs = new CholeskyDecomposition(toMatrix(a, d)).lowerTriangularMatrix;
    expect(Array.from(lower)).toEqual(theirs.to1DArray());
  });

  it('refuses a matrix that is not positive definite', () => {
    const lower = new Float64Array(4);
    expect(choleskyLower(Float64Array.from([1, 2, 2, 1]), 0, 2, lower)).toBe(false);
    expect(choleskyLower(Float64Array.from([0, 0, 0, 1]), 0, 2, lower)).toBe(false);
  });
});

describe('squareSvd', () => {
  /** A random d×d matrix (not symmetric), with `rank` independent rows when below d. */
  function randomSquare(random: Random, d: number, rank = d): Float64Array {
    const a = Float64Array.from({ length: d * d }, () => random.nextNormal());
    for (let r = rank; r < d; r++) {
      for (let c = 0; c < d; c++) a[r * d + c] = a[(r % Math.max(rank, 1)) * d + c] * 0.5;
    }
    return a;
  }

  it.each([
    [1, 1],
    [2, 2],
    [2, 1],
    [3, 3],
    [5, 5],
    [5, 3],
    [13, 13],
    [30, 30],
  ])('d=%i, rank %i: the bits of ml-matrix, A = U S Vᵀ', (d, rank) => {
    const a = randomSquare(new Random(10, d, rank), d, rank);
    const singular = new Float64Array(d);
    const leftT = new Float64Array(d * d);
    const rightT = new Float64Array(d * d);
    const scratch = svdScratch(d);
    // Twice with one scratch: nothing of the first call may leak into the second.
    squareSvd(randomSquare(new Random(11, d), d), d, singular, leftT, rightT, scratch);
    squareSvd(a, d, singular, leftT, rightT, scratch);
    const theirs = new SingularValueDecomposition(
      new Matrix(Array.from({ length: d }, (_, r) => Array.from(a.subarray(r * d, r * d + d)))),
      { autoTranspose: false },
    );
    expect(Array.from(singular)).toEqual(theirs.diagonal);
    for (let j = 0; j < d; j++) {
      expect(Array.from(leftT.subarray(j * d, j * d + d))).toEqual(
        theirs.leftSingularVectors.getColumn(j),
      );
      expect(Array.from(rightT.subarray(j * d, j * d + d))).toEqual(
        theirs.rightSingularVectors.getColumn(j),
      );
    }
    let norm = 0;
    for (const x of a) norm = Math.max(norm, Math.abs(x));
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += leftT[j * d + r] * singular[j] * rightT[j * d + c];
        expect(Math.abs(s - a[r * d + c])).toBeLessThan(1e-12 * d * norm);
      }
    }
  });
});
