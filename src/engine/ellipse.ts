import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { GmmError } from '../errors.js';

/** Segments per ellipse: smooth at plot size, small in the SVG. */
export const ELLIPSE_SEGMENTS = 72;

/**
 * The closed outline {μ + r·V·Λ^½·(cos t, sin t)} of a 2-D Gaussian's r-σ contour,
 * where Σ = V Λ Vᵀ. covariance: 2×2 row-major. Returns ELLIPSE_SEGMENTS + 1 points
 * as [x0, y0, x1, y1, …] (the last repeats the first).
 */
export function ellipseOutline(
  mean: readonly [number, number],
  covariance: ArrayLike<number>,
  nSigma: number,
): Float64Array {
  if (
    ![mean[0], mean[1], covariance[0], covariance[1], covariance[2], covariance[3]].every(
      Number.isFinite,
    )
  ) {
    throw new GmmError('numeric', 'an ellipse needs a finite mean and covariance');
  }
  const matrix = new Matrix([
    [covariance[0], covariance[1]],
    [covariance[2], covariance[3]],
  ]);
  const eigen = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const values = eigen.realEigenvalues;
  const vectors = eigen.eigenvectorMatrix;
  const radius0 = nSigma * Math.sqrt(Math.max(values[0], 0));
  const radius1 = nSigma * Math.sqrt(Math.max(values[1], 0));
  const points = new Float64Array(2 * (ELLIPSE_SEGMENTS + 1));
  for (let s = 0; s <= ELLIPSE_SEGMENTS; s++) {
    const t = ((s % ELLIPSE_SEGMENTS) / ELLIPSE_SEGMENTS) * 2 * Math.PI;
    const u = radius0 * Math.cos(t);
    const v = radius1 * Math.sin(t);
    points[2 * s] = mean[0] + vectors.get(0, 0) * u + vectors.get(0, 1) * v;
    points[2 * s + 1] = mean[1] + vectors.get(1, 0) * u + vectors.get(1, 1) * v;
  }
  return points;
}
