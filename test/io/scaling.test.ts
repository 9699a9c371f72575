import { describe, expect, it } from 'vitest';
import {
  applyScaler,
  fitScaler,
  logScaleJacobian,
  meanAndDeviation,
  unscaleCovariance,
  unscaleMean,
} from '../../src/io/scaling.js';

// Two columns: [1, 2, 3, 4, 10] and [5, 5, 6, 6, 8]
const VALUES = Float64Array.from([1, 5, 2, 5, 3, 6, 4, 6, 10, 8]);

describe('fitScaler', () => {
  it('standard: mean and population sd (ddof 0)', () => {
    const scaler = fitScaler(VALUES, 5, 2, 'standard', ['a', 'b']);
    expect(scaler.center).toEqual([4, 6]);
    // Σ(x−4)² = 9+4+1+0+36 = 50 → sd √10; Σ(y−6)² = 1+1+0+0+4 = 6 → √1.2
    expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(10), 12);
    expect(scaler.scale[1]).toBeCloseTo(Math.sqrt(1.2), 12);
  });

  it('robust: median and IQR with linear interpolation (numpy default)', () => {
    const scaler = fitScaler(VALUES, 5, 2, 'robust', ['a', 'b']);
    // a sorted 1 2 3 4 10: q1 = 2, median 3, q3 = 4; b: 5 5 6 6 8 → q1 5, q3 6
    expect(scaler.center).toEqual([3, 6]);
    expect(scaler.scale).toEqual([2, 1]);
  });

  it('minmax and none', () => {
    expect(fitScaler(VALUES, 5, 2, 'minmax', ['a', 'b'])).toEqual({
      method: 'minmax',
      center: [1, 5],
      scale: [9, 3],
    });
    expect(fitScaler(VALUES, 5, 2, 'none', ['a', 'b']).scale).toEqual([1, 1]);
  });

  it('refuses a constant column, naming it', () => {
    const constant = Float64Array.from([1, 7, 2, 7, 3, 7]);
    expect(() => fitScaler(constant, 3, 2, 'standard', ['a', 'Score'])).toThrow(
      expect.objectContaining({ kind: 'data' }),
    );
    expect(() => fitScaler(constant, 3, 2, 'standard', ['a', 'Score'])).toThrow(
      'column "Score" is constant (every value is 7): it cannot separate segments',
    );
  });

  it('does not overflow on huge magnitudes', () => {
    const huge = Float64Array.from([1e200, 3e200, 5e200]);
    const { mean, sd } = meanAndDeviation(huge);
    expect(mean / 3e200).toBeCloseTo(1, 12);
    expect(sd / (Math.sqrt(8 / 3) * 1e200)).toBeCloseTo(1, 12);
  });
});

describe('scaling round trip', () => {
  it('unscales means and covariances: μ = c + sμ', () => {
    const scaler = { method: 'standard' as const, center: [10, -2], scale: [2, 0.5] };
    expect(Array.from(applyScaler(Float64Array.from([12, -1]), 2, scaler))).toEqual([1, 2]);
    expect(unscaleMean([1, 2], scaler)).toEqual([12, -1]);
    expect(unscaleCovariance([1, 0.5, 0.5, 4], scaler)).toEqual([
      [4, 0.5],
      [0.5, 1],
    ]);
    expect(logScaleJacobian(scaler)).toBeCloseTo(Math.log(2) + Math.log(0.5), 14);
  });
});

describe('weights and missing cells', () => {
  // rows with weights 2, 0, 1, 3, 1 against the same rows repeated that often
  const weights = Float64Array.from([2, 0, 1, 3, 1]);
  const expanded = Float64Array.from(
    [0, 0, 2, 3, 3, 3, 4].flatMap((i) => [VALUES[i * 2], VALUES[i * 2 + 1]]),
  );

  for (const method of ['standard', 'robust', 'minmax'] as const) {
    it(`${method}: weighted rows scale as the rows repeated`, () => {
      const weighted = fitScaler(VALUES, 5, 2, method, ['a', 'b'], undefined, weights);
      const repeated = fitScaler(expanded, 7, 2, method, ['a', 'b']);
      weighted.center.forEach((c, j) => expect(c).toBeCloseTo(repeated.center[j], 12));
      weighted.scale.forEach((s, j) => expect(s).toBeCloseTo(repeated.scale[j], 12));
    });

    it(`${method}: a column's missing cells are left out of its statistics`, () => {
      // the second row's first cell missing: column a is [1, 3, 4, 10], b all five
      const holes = Float64Array.from(VALUES);
      holes[2] = NaN;
      const scaler = fitScaler(holes, 5, 2, method, ['a', 'b']);
      const a = fitScaler(Float64Array.from([1, 3, 4, 10]), 4, 1, method, ['a']);
      const b = fitScaler(Float64Array.from([5, 5, 6, 6, 8]), 5, 1, method, ['b']);
      expect(scaler.center[0]).toBeCloseTo(a.center[0], 12);
      expect(scaler.scale[0]).toBeCloseTo(a.scale[0], 12);
      expect(scaler.center[1]).toBeCloseTo(b.center[0], 12);
      expect(scaler.scale[1]).toBeCloseTo(b.scale[0], 12);
    });
  }
});
