import { eigenScratch, symmetricEigenDecomposition } from './symmetric-eigen.js';
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
  // Ascending eigenvalues; row j of `vectors` the eigenvector of values[j].
  const values = new Float64Array(2);
  const vectors = new Float64Array(4);
  symmetricEigenDecomposition(
    Float64Array.from(covariance),
    0,
    2,
    values,
    vectors,
    eigenScratch(2),
  );
  const radius0 = nSigma * Math.sqrt(Math.max(values[0], 0));
  const radius1 = nSigma * Math.sqrt(Math.max(values[1], 0));
  const points = new Float64Array(2 * (ELLIPSE_SEGMENTS + 1));
  for (let s = 0; s <= ELLIPSE_SEGMENTS; s++) {
    const t = ((s % ELLIPSE_SEGMENTS) / ELLIPSE_SEGMENTS) * 2 * Math.PI;
    const u = radius0 * Math.cos(t);
    const v = radius1 * Math.sin(t);
    points[2 * s] = mean[0] + vectors[0] * u + vectors[2] * v;
    points[2 * s + 1] = mean[1] + vectors[1] * u + vectors[3] * v;
  }
  return points;
}
