/**
 * The model-based hierarchy (mclust's hcVVV on the SVD transform) against two
 * independent references: a naive greedy agglomeration that recomputes every pair's
 * criterion from the clusters' rows at every step (determinants by elimination), and
 * mclust's own partitions of iris, `hclass(hc(iris[, 1:4]), 2:8)` (mclust 6.0.0,
 * fixtures/reference/make-mclust-hc-reference.R).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingularValueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  modelHierarchy,
  modelHierarchyLabels,
  svdTransform,
} from '../../src/engine/model-hierarchy.js';
import { Random } from '../../src/engine/random.js';
import {
  canonicalPartition,
  determinant,
  greedyAgglomeration,
  randomRows,
  toDataMatrix,
  type Matrix,
} from './reference.js';

const root = join(import.meta.dirname, '..', '..');

/** cost(C) of the criterion, from the rows themselves. */
function naiveCost(rows: Matrix, members: number[], alpha: number): number {
  const d = rows[0].length;
  const n = members.length;
  const mean = Array.from({ length: d }, (_, j) => members.reduce((s, i) => s + rows[i][j], 0) / n);
  const scatter = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) =>
      members.reduce((s, i) => s + (rows[i][a] - mean[a]) * (rows[i][b] - mean[b]), 0),
    ),
  );
  const trace = scatter.reduce((s, row, a) => s + row[a], 0);
  const traceTerm = (trace + alpha) / n;
  if (n <= d) return n * Math.log(traceTerm);
  const det = determinant(scatter.map((row) => row.map((v) => v / n)));
  return n * Math.log(Math.max(det, 0) + traceTerm);
}

/** Greedy agglomeration by the criterion, every pair recomputed; clusters cut at K. */
function naiveHierarchy(rows: Matrix, K: number): number[][] {
  const d = rows[0].length;
  const n = rows.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const alpha =
    rows.reduce((s, r) => s + r.reduce((t, v, j) => t + (v - mean[j]) ** 2, 0), 0) / (n * d);
  return greedyAgglomeration(n, K, (members) => naiveCost(rows, members, alpha));
}

/** The partition of `labels`, canonical. */
function partition(labels: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>();
  Array.from(labels).forEach((label, i) => groups.set(label, [...(groups.get(label) ?? []), i]));
  return canonicalPartition([...groups.values()]);
}

/** The hierarchy of `rows` as they are (no transform), cut at K. */
function cut(rows: Matrix, K: number): number[][] {
  const n = rows.length;
  const d = rows[0].length;
  const { keep, drop } = modelHierarchy(
    toDataMatrix(rows).values,
    n,
    d,
    new Float64Array(n).fill(1),
  );
  const label = Array.from({ length: n }, (_, i) => i);
  for (let e = 0; e < n - K; e++) {
    const from = label[drop[e]];
    const to = label[keep[e]];
    for (let i = 0; i < n; i++) if (label[i] === from) label[i] = to;
  }
  return partition(label);
}

describe('modelHierarchy', () => {
  it.each([2, 3, 5])('K=%i: the partition of the naive greedy agglomeration', (K) => {
    // three elongated, correlated clouds in 2-D: clusters grow past d, so the
    // determinant branch of the criterion decides the later merges
    const random = new Random(11, K);
    const rows: Matrix = [];
    for (let i = 0; i < 36; i++) {
      const c = i % 3;
      const t = 3 * random.nextNormal();
      rows.push([8 * c + t + 0.3 * random.nextNormal(), (c - 1) * t + 0.3 * random.nextNormal()]);
    }
    expect(cut(rows, K)).toEqual(naiveHierarchy(rows, K));
  });

  it('K=4 in 3 columns: the naive partition', () => {
    const rows = randomRows(new Random(5), 30, 3);
    expect(cut(rows, 4)).toEqual(naiveHierarchy(rows, 4));
  });
});

describe('svdTransform', () => {
  it('Z Zᵀ = U S Uᵀ of the standardised rows X = U S Vᵀ', () => {
    const rows = randomRows(new Random(2), 25, 4).map((r) => [
      r[0],
      r[1] + r[0],
      3 * r[2],
      r[3] - r[1],
    ]);
    const n = rows.length;
    const d = 4;
    const z = svdTransform(toDataMatrix(rows).values, n, d, new Float64Array(n).fill(1));
    expect(z.columns).toBe(d);
    // standardise with the sample sd, as R's scale() does
    const standard = rows.map((r) => [...r]);
    for (let j = 0; j < d; j++) {
      const mean = rows.reduce((s, r) => s + r[j], 0) / n;
      const sd = Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / (n - 1));
      standard.forEach((r) => (r[j] = (r[j] - mean) / sd));
    }
    const svd = new SingularValueDecomposition(new MlMatrix(standard));
    const u = svd.leftSingularVectors;
    const s = svd.diagonal;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let expected = 0;
        for (let c = 0; c < d; c++) expected += u.get(a, c) * s[c] * u.get(b, c);
        let actual = 0;
        for (let c = 0; c < d; c++) actual += z.values[a * d + c] * z.values[b * d + c];
        expect(actual).toBeCloseTo(expected, 10);
      }
    }
  });
});

describe('modelHierarchyLabels', () => {
  it("iris, K = 2..8: mclust's hclass(hc(iris[, 1:4]))", () => {
    const reference = JSON.parse(
      readFileSync(join(root, 'fixtures', 'reference', 'mclust-hc-iris.json'), 'utf8'),
    ) as { partitions: Record<string, number[]> };
    const lines = readFileSync(join(root, 'fixtures', 'public', 'iris.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const rows = lines.map((line) => line.split(',').slice(0, 4).map(Number));
    const data = toDataMatrix(rows);
    for (let K = 2; K <= 8; K++) {
      expect(partition(modelHierarchyLabels(data, K))).toEqual(
        partition(reference.partitions[String(K)]),
      );
    }
  });

  it('rows past maxRows join the nearest cluster centre', () => {
    const random = new Random(4);
    const rows = Array.from({ length: 40 }, (_, i) => {
      const offset = i % 2 === 0 ? 0 : 40;
      return [offset + random.nextNormal(), offset + random.nextNormal()];
    });
    const labels = modelHierarchyLabels(toDataMatrix(rows), 2, 16);
    for (let i = 0; i < 40; i++) expect(labels[i]).toBe(labels[i % 2]);
    expect(labels[0]).not.toBe(labels[1]);
  });
});
