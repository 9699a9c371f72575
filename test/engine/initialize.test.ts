/** Starting memberships: kmeans++, random and random-from-data. */
import { describe, expect, it } from 'vitest';
import { initialResponsibilities, kmeansPlusPlusCenters } from '../../src/engine/initialize.js';
import { Random } from '../../src/engine/random.js';
import type { StartMethod } from '../../src/engine/types.js';
import { randomRows, toDataMatrix, type Matrix } from './reference.js';

/** Three tight blobs far apart, of unequal sizes; blob of row i in `BLOB_OF`. */
const BLOB_CENTRES = [
  [0, 0],
  [100, 0],
  [0, 100],
];
const BLOB_SIZES = [60, 25, 8];
const BLOB_ROWS: Matrix = [];
const BLOB_OF: number[] = [];
{
  const random = new Random(99);
  BLOB_SIZES.forEach((size, b) => {
    for (let i = 0; i < size; i++) {
      BLOB_ROWS.push(BLOB_CENTRES[b].map((c) => c + random.nextNormal()));
      BLOB_OF.push(b);
    }
  });
}
const BLOBS = toDataMatrix(BLOB_ROWS);

function rowsOf(resp: Float64Array, n: number, K: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from(resp.subarray(i * K, i * K + K)));
}

function expectOneHot(resp: Matrix): number[] {
  return resp.map((row, i) => {
    const ones = row.filter((v) => v === 1).length;
    const zeros = row.filter((v) => v === 0).length;
    if (ones !== 1 || zeros !== row.length - 1) {
      throw new Error(`row ${i} is not one-hot: ${row.join(', ')}`);
    }
    return row.indexOf(1);
  });
}

describe('initialResponsibilities', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    'kmeans++ puts each far-apart blob in its own component (seed %i)',
    (seed) => {
      const resp = initialResponsibilities(BLOBS, 3, 'kmeans++', new Random(seed));
      const labels = expectOneHot(rowsOf(resp, BLOB_ROWS.length, 3));
      // every blob is one label, and the three labels differ
      const blobLabel = BLOB_SIZES.map((_, b) => labels[BLOB_OF.indexOf(b)]);
      labels.forEach((label, i) => expect(label).toBe(blobLabel[BLOB_OF[i]]));
      expect(new Set(blobLabel).size).toBe(3);
    },
  );

  it('kmeans++ centres are data rows, one in each blob', () => {
    for (let seed = 0; seed < 10; seed++) {
      const centres = kmeansPlusPlusCenters(BLOBS, 3, new Random(seed));
      const blobs = new Set<number>();
      for (let k = 0; k < 3; k++) {
        const c = [centres[2 * k], centres[2 * k + 1]];
        const row = BLOB_ROWS.findIndex((r) => r[0] === c[0] && r[1] === c[1]);
        expect(row).toBeGreaterThanOrEqual(0);
        blobs.add(BLOB_OF[row]);
      }
      expect(blobs.size).toBe(3);
    }
  });

  it('kmeans++ with K = 5 on three blobs: every component used, none spans two blobs', () => {
    for (let seed = 0; seed < 5; seed++) {
      const resp = initialResponsibilities(BLOBS, 5, 'kmeans++', new Random(seed));
      const labels = expectOneHot(rowsOf(resp, BLOB_ROWS.length, 5));
      for (let k = 0; k < 5; k++) {
        const blobs = new Set(BLOB_OF.filter((_, i) => labels[i] === k));
        expect(blobs.size).toBe(1);
      }
    }
  });

  it('kmeans++ refines its seeds with Lloyd steps: a settled 1-D partition', () => {
    // 20 evenly spaced points (slightly jittered to avoid ties): whatever the seeds,
    // Lloyd's algorithm settles within a few steps on a split where every point is
    // nearest to its own group's mean
    const rows = Array.from({ length: 20 }, (_, i) => [i + 0.01 * Math.sin(7 * i)]);
    for (let seed = 0; seed < 10; seed++) {
      const resp = initialResponsibilities(toDataMatrix(rows), 2, 'kmeans++', new Random(seed));
      const labels = expectOneHot(rowsOf(resp, 20, 2));
      const centroids = [0, 1].map((k) => {
        const members = rows.filter((_, i) => labels[i] === k);
        return members.reduce((s, r) => s + r[0], 0) / members.length;
      });
      rows.forEach(([x], i) => {
        const own = Math.abs(x - centroids[labels[i]]);
        const other = Math.abs(x - centroids[1 - labels[i]]);
        expect(own).toBeLessThanOrEqual(other);
      });
    }
  });

  it('random-from-data: one-hot, every component gets rows', () => {
    const rows = randomRows(new Random(12), 80, 3);
    for (let seed = 0; seed < 5; seed++) {
      const resp = initialResponsibilities(
        toDataMatrix(rows),
        6,
        'random-from-data',
        new Random(seed),
      );
      const labels = expectOneHot(rowsOf(resp, 80, 6));
      // the K centres are distinct rows, each nearest to itself
      expect(new Set(labels).size).toBe(6);
    }
  });

  it('random: each row is a probability vector, not one-hot', () => {
    const rows = randomRows(new Random(13), 50, 2);
    const resp = rowsOf(
      initialResponsibilities(toDataMatrix(rows), 4, 'random', new Random(3)),
      50,
      4,
    );
    for (const row of resp) {
      expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
      for (const v of row) {
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(1);
      }
    }
    // drawn uniformly then normalised: the mean membership is 1/K (SE ≈ 0.01)
    const mean = resp.flat().reduce((s, v) => s + v, 0) / (50 * 4);
    expect(mean).toBeCloseTo(0.25, 12);
    const firstColumnMean = resp.reduce((s, r) => s + r[0], 0) / 50;
    expect(Math.abs(firstColumnMean - 0.25)).toBeLessThan(0.06);
  });

  it.each(['kmeans++', 'random', 'random-from-data'] as StartMethod[])(
    '%s: the same stream gives the same memberships, another stream others',
    (method) => {
      const data = toDataMatrix(randomRows(new Random(14), 120, 2));
      const a = initialResponsibilities(data, 4, method, new Random(1, 2));
      const b = initialResponsibilities(data, 4, method, new Random(1, 2));
      expect(b).toEqual(a);
      const others = [3, 4, 5, 6].map((s) =>
        initialResponsibilities(data, 4, method, new Random(s, 2)),
      );
      expect(others.some((c) => c.some((v, i) => v !== a[i]))).toBe(true);
    },
  );

  it('K = 1: every row in the one component', () => {
    for (const method of ['kmeans++', 'random', 'random-from-data'] as StartMethod[]) {
      const resp = initialResponsibilities(BLOBS, 1, method, new Random(1));
      expect(Array.from(resp)).toEqual(new Array(BLOB_ROWS.length).fill(1));
    }
  });

  it('kmeans++ on identical rows does not fail', () => {
    const rows = Array.from({ length: 10 }, () => [2, 3]);
    const resp = initialResponsibilities(toDataMatrix(rows), 3, 'kmeans++', new Random(1));
    expectOneHot(rowsOf(resp, 10, 3));
  });
});
